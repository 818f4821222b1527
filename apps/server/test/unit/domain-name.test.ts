/** Custom-domain names: normalisation (case, trailing dot, IDN -> punycode) and refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalHost, DomainNameError, normaliseDomainName, sameOrNested } from '../../src/domains/domain-name.js';

describe('normaliseDomainName', () => {
  it('lower-cases, trims, drops the trailing dot and maps IDN to punycode', () => {
    assert.equal(normaliseDomainName('Bücher.Example.'), 'xn--bcher-kva.example');
    assert.equal(normaliseDomainName('  Temp.YourCompany.COM  '), 'temp.yourcompany.com');
    assert.equal(normaliseDomainName('temp.yourcompany.com.'), 'temp.yourcompany.com');
    assert.equal(normaliseDomainName('xn--bcher-kva.example'), 'xn--bcher-kva.example');
    assert.equal(normaliseDomainName('ÉXAMPLE。COM'), 'xn--xample-9ua.com', 'ideographic full stop is a dot');
    assert.equal(normaliseDomainName('fuß.de'), 'xn--fu-hia.de');
    assert.equal(normaliseDomainName('a1-b2.c3.example'), 'a1-b2.c3.example');
  });

  it('accepts the longest legal names', () => {
    const label63 = 'a'.repeat(63);
    assert.equal(normaliseDomainName(`${label63}.example`), `${label63}.example`);
    const name253 = `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
    assert.equal(name253.length, 253);
    assert.equal(normaliseDomainName(name253), name253);
  });

  const refused: Array<[string, unknown]> = [
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['not a string', 42],
    ['one label', 'localhost'],
    ['one label with a dot', 'localhost.'],
    ['IPv4', '192.0.2.1'],
    ['IPv4 with a trailing dot', '192.0.2.1.'],
    ['IPv4 in hex (the URL parser would read it as an address)', '0x7f.1'],
    ['IPv6', '::1'],
    ['IPv6 literal', '[2001:db8::1]'],
    ['numeric last label', 'example.123'],
    ['empty label', 'a..example'],
    ['leading dot', '.example.com'],
    ['two trailing dots', 'example.com..'],
    ['leading hyphen', '-a.example'],
    ['trailing hyphen', 'a-.example'],
    ['underscore', '_dmarc.example.com'],
    ['percent escape', 'ex%41mple.com'],
    ['space', 'exa mple.com'],
    ['at sign', 'user@example.com'],
    ['slash', 'example.com/path'],
    ['port', 'example.com:25'],
    ['label over 63', `${'a'.repeat(64)}.example`],
    ['name over 253', `${'abcdefghi.'.repeat(25)}example`],
    ['huge input', `${'a.'.repeat(5000)}example`],
    ['invalid punycode', 'xn--zz.example'],
  ];
  for (const [what, input] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => normaliseDomainName(input), DomainNameError);
    });
  }

  it('words its refusals for API users', () => {
    assert.throws(() => normaliseDomainName('192.0.2.1'), /not an IP address/);
    assert.throws(() => normaliseDomainName('localhost'), /at least two labels/);
    assert.throws(() => normaliseDomainName(''), /missing/);
  });
});

describe('canonicalHost and sameOrNested', () => {
  it('canonicalises configured and DNS names without throwing', () => {
    assert.equal(canonicalHost('MX.TempMail.Example.'), 'mx.tempmail.example');
    assert.equal(canonicalHost('mx.bücher.example'), 'mx.xn--bcher-kva.example');
    assert.equal(canonicalHost(''), '');
    assert.equal(canonicalHost('.'), '');
  });

  it('relates a name to itself, its subdomains and its parents only', () => {
    assert.ok(sameOrNested('tempmail.io', 'tempmail.io'));
    assert.ok(sameOrNested('a.tempmail.io', 'tempmail.io'));
    assert.ok(sameOrNested('tempmail.io', 'mx.tempmail.io'));
    assert.ok(!sameOrNested('nottempmail.io', 'tempmail.io'));
    assert.ok(!sameOrNested('tempmail.io.evil.test', 'tempmail.io'));
  });
});
