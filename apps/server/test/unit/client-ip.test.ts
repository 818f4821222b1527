/** Client addresses: X-Forwarded-For only through trusted proxies, and the per-address counting key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, cidrMatcher, clientIp } from '../../src/http/client-ip.js';

describe('clientIp', () => {
  const trusted = cidrMatcher(['10.0.0.0/8', '127.0.0.9', '2001:db8::/32']);

  it('ignores X-Forwarded-For from an untrusted peer', () => {
    assert.equal(clientIp('203.0.113.9', '198.51.100.1', trusted), '203.0.113.9');
    assert.equal(clientIp('::ffff:203.0.113.9', '198.51.100.1', trusted), '203.0.113.9');
  });

  it('walks X-Forwarded-For from the right past trusted proxies; the first untrusted hop is the client', () => {
    assert.equal(clientIp('10.1.2.3', '198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientIp('10.1.2.3', '6.6.6.6, 198.51.100.1, 10.9.9.9', trusted), '198.51.100.1', 'a spoofed left part is not believed');
    assert.equal(clientIp('127.0.0.9', ['6.6.6.6', '198.51.100.2'], trusted), '198.51.100.2');
    assert.equal(clientIp('10.1.2.3', '10.2.2.2, 10.3.3.3', trusted), '10.2.2.2', 'all trusted: the leftmost');
    assert.equal(clientIp('10.1.2.3', 'garbage, 198.51.100.3', trusted), '198.51.100.3');
    assert.equal(clientIp('10.1.2.3', '198.51.100.4, garbage', trusted), '10.1.2.3', 'an invalid hop stops the walk');
    assert.equal(clientIp('2001:db8::1', '2001:db9::5', trusted), '2001:db9::5');
  });

  it('refuses a bad TEMPMAIL_TRUST_PROXY entry', () => {
    assert.throws(() => cidrMatcher(['not-an-ip']), /not an IP address or CIDR/);
    assert.equal(cidrMatcher([])('127.0.0.1'), false);
  });
});

describe('addressKey (what per-address limits count under)', () => {
  it('IPv4 as it is, IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
  });

  it('IPv6 by its /64: one subscriber cannot spread over its 2^64 addresses', () => {
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2::ffff'), '2001:db8:1:2::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), addressKey('2001:db8:1:2::1'));
  });

  it('something that is not an address is its own key', () => {
    assert.equal(addressKey(undefined), 'unknown');
    assert.equal(addressKey('weird'), 'weird');
  });
});
