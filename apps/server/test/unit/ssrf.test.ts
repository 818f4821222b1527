import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AllowList, checkAddress, classifyAddress } from '../../src/webhooks/ssrf.js';
import { parseWebhookUrl, TargetPolicy, UrlRefused, type Resolver } from '../../src/webhooks/target.js';
import { pinnedLookup, WebhookSender } from '../../src/webhooks/sender.js';

const refused = (addr: string) => {
  const v = classifyAddress(addr);
  assert.equal(v.allowed, false, `${addr} should be refused`);
  return v.allowed ? '' : v.reason;
};
const allowed = (addr: string) => assert.deepEqual(classifyAddress(addr), { allowed: true }, `${addr} should be allowed`);

describe('classifyAddress: IPv4', () => {
  const cases: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/], ['127.255.255.254', /loopback/],
    ['10.0.0.1', /private/], ['172.16.0.1', /private/], ['172.31.255.255', /private/], ['192.168.1.1', /private/],
    ['169.254.169.254', /metadata/], ['169.254.1.1', /link-local/],
    ['100.64.0.1', /carrier-grade/], ['100.127.255.255', /carrier-grade/], ['100.100.100.200', /carrier-grade/],
    ['0.0.0.0', /unspecified/], ['0.1.2.3', /unspecified/],
    ['224.0.0.1', /multicast/], ['239.255.255.250', /multicast/], ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /documentation/], ['198.51.100.7', /documentation/], ['203.0.113.9', /documentation/],
    ['198.18.0.1', /benchmarking/], ['240.0.0.1', /reserved/], ['192.0.0.192', /IETF/],
  ];
  for (const [addr, reason] of cases) {
    it(`refuses ${addr}`, () => assert.match(refused(addr), reason));
  }
  it('allows public unicast, including neighbours of the blocked ranges', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.1', '192.169.0.1', '223.255.255.255']) allowed(a);
  });
  it('parses the legacy numeric forms the same way (decimal, hex, octal, short)', () => {
    for (const a of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '017700000001']) assert.match(refused(a), /loopback/);
  });
});

describe('classifyAddress: IPv6', () => {
  const cases: Array<[string, RegExp]> = [
    ['::1', /loopback/], ['::', /unspecified/], ['fe80::1', /link-local/], ['fc00::1', /unique-local/], ['fd12:3456::1', /unique-local/],
    ['fd00:ec2::254', /metadata/], ['ff02::1', /multicast/], ['fec0::1', /site-local/], ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/], ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/], ['2001:2::1', /IETF/],
    ['::ffff:127.0.0.1', /IPv4-mapped.*127\.0\.0\.1.*loopback/], ['::ffff:10.1.2.3', /IPv4-mapped.*private/],
    ['::ffff:169.254.169.254', /IPv4-mapped.*metadata/], ['::ffff:0:7f00:1', /IPv4-translated.*loopback/],
    ['64:ff9b::7f00:1', /NAT64.*127\.0\.0\.1/], ['64:ff9b::a00:1', /NAT64.*private/], ['64:ff9b::a9fe:a9fe', /NAT64.*metadata/],
    ['64:ff9b:1::1', /local-use NAT64/],
    ['2002:7f00:1::1', /6to4.*127\.0\.0\.1.*loopback/], ['2002:c0a8:101::1', /6to4.*192\.168\.1\.1.*private/], ['2002:a9fe:a9fe::', /6to4.*metadata/],
    ['::7f00:1', /not global/], ['100::1', /discard/], ['5f00::1', /not global/],
  ];
  for (const [addr, reason] of cases) {
    it(`refuses ${addr}`, () => assert.match(refused(addr), reason));
  }
  it('allows global unicast and embedded public IPv4', () => {
    for (const a of ['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) allowed(a);
  });
  it('refuses what is not an address', () => assert.match(refused('example.com'), /not an IP/));
});

describe('AllowList', () => {
  it('opens listed addresses, CIDRs and host names, and nothing else', () => {
    const allow = AllowList.parse(['127.0.0.1', '10.1.0.0/16', 'hooks.intranet', 'fd00::/8']);
    assert.deepEqual(checkAddress('127.0.0.1', 'x', allow), { allowed: true });
    assert.equal(checkAddress('127.0.0.2', 'x', allow).allowed, false);
    assert.deepEqual(checkAddress('10.1.2.3', 'x', allow), { allowed: true });
    assert.equal(checkAddress('10.2.0.1', 'x', allow).allowed, false);
    assert.deepEqual(checkAddress('192.168.9.9', 'hooks.intranet', allow), { allowed: true });
    assert.deepEqual(checkAddress('192.168.9.9', 'HOOKS.intranet.', allow), { allowed: true });
    assert.equal(checkAddress('192.168.9.9', 'other.intranet', allow).allowed, false);
    assert.deepEqual(checkAddress('fd00::5', 'x', allow), { allowed: true });
    assert.deepEqual(checkAddress('::ffff:127.0.0.1', 'x', allow), { allowed: true }, 'mapped form of an allowed address');
  });
  it('rejects entries that are neither', () => {
    assert.throws(() => AllowList.parse(['10.0.0.0/33']), /not a CIDR/);
    assert.throws(() => AllowList.parse(['http://x/']), /not a CIDR/);
    assert.throws(() => AllowList.parse(['bad host!']), /neither/);
  });
  it('is empty by default', () => {
    assert.equal(checkAddress('127.0.0.1', 'localhost', AllowList.parse([])).allowed, false);
  });
});

describe('parseWebhookUrl', () => {
  it('accepts http and https, drops the fragment', () => {
    assert.equal(parseWebhookUrl('https://example.com/hook?x=1#frag').href, 'https://example.com/hook?x=1');
    assert.equal(parseWebhookUrl(' http://example.com:8080/h ').href, 'http://example.com:8080/h');
  });
  it('refuses other schemes, credentials, junk and overlong URLs', () => {
    for (const u of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)', 'data:text/plain,x',
      'https://user:pw@example.com/', 'not a url', '/relative', '', `https://example.com/${'a'.repeat(2100)}`]) {
      assert.throws(() => parseWebhookUrl(u), UrlRefused, u);
    }
    assert.throws(() => parseWebhookUrl(undefined), UrlRefused);
  });
});

describe('TargetPolicy', () => {
  const fakeDns = (table: Record<string, string[]>): Resolver => async (host) => {
    const list = table[host];
    if (!list) throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const policy = (allow: string[] = [], dns: Record<string, string[]> = {}) => new TargetPolicy(AllowList.parse(allow), fakeDns(dns));

  it('refuses every IPv4 spelling of loopback and the private literal forms', async () => {
    const p = policy();
    for (const u of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0x7f.1/',
      'http://%31%32%37.0.0.1/', 'http://0/', 'http://0.0.0.0/', 'http://[::]/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/', 'http://10.0.0.1/', 'http://192.168.0.1/', 'http://172.16.0.1/', 'http://100.64.0.1/',
      'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[fe80::1]/', 'http://[fc00::1]/', 'http://192.0.2.1/',
      'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'http://[2001:db8::1]/']) {
      await assert.rejects(p.resolve(u), UrlRefused, u);
    }
  });

  it('refuses a host when any address it resolves to is forbidden', async () => {
    const p = policy([], { 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'rebind.example': ['127.0.0.1'], 'meta.example': ['169.254.169.254'] });
    await assert.rejects(p.resolve('https://mixed.example/'), /mixed\.example \(10\.0\.0\.5\).*private/);
    await assert.rejects(p.resolve('https://rebind.example/'), /loopback/);
    await assert.rejects(p.resolve('https://meta.example/'), /metadata/);
    await assert.rejects(p.resolve('https://nxdomain.example/'), /does not resolve/);
  });

  it('pins to a checked address and keeps the host name', async () => {
    const p = policy([], { 'hooks.example': ['93.184.216.34', '2606:2800:220:1::1'] });
    const t = await p.resolve('https://hooks.example/in?a=1');
    assert.equal(t.hostname, 'hooks.example');
    assert.equal(t.address, '93.184.216.34');
    assert.equal(t.family, 4);
    assert.equal(t.port, 443);
    assert.equal(t.secure, true);
  });

  it('lets the allow list open loopback by address or by host name', async () => {
    const t = await policy(['127.0.0.1']).resolve('http://127.0.0.1:9999/x');
    assert.equal(t.address, '127.0.0.1');
    await assert.rejects(policy(['127.0.0.1']).resolve('http://127.0.0.2/'), UrlRefused);
    const h = await policy(['hooks.lan'], { 'hooks.lan': ['192.168.1.10'] }).resolve('http://hooks.lan/');
    assert.equal(h.address, '192.168.1.10');
  });

  it('checks again at every resolve: a host that starts resolving to a private address is refused', async () => {
    const table: Record<string, string[]> = { 'flip.example': ['93.184.216.34'] };
    const p = new TargetPolicy(AllowList.parse([]), fakeDns(table), { dnsTimeoutMs: 1000, cacheMs: 0, cacheSize: 10 });
    await p.resolve('http://flip.example/');
    table['flip.example'] = ['127.0.0.1'];
    await assert.rejects(p.resolve('http://flip.example/'), /loopback/);
  });
});

describe('pinned connections', () => {
  it('pinnedLookup answers both lookup styles with the checked address', async () => {
    const lookup = pinnedLookup('127.0.0.1', 4) as unknown as (h: string, o: object, cb: (...a: unknown[]) => void) => void;
    const one = await new Promise<unknown[]>((r) => lookup('evil.example', {}, (...a) => r(a)));
    assert.deepEqual(one, [null, '127.0.0.1', 4]);
    const all = await new Promise<unknown[]>((r) => lookup('evil.example', { all: true }, (...a) => r(a)));
    assert.deepEqual(all, [null, [{ address: '127.0.0.1', family: 4 }]]);
  });

  it('connects to the checked address whatever the host name resolves to, with Host = the host name', async () => {
    const seen: Array<{ host?: string; method?: string }> = [];
    const server = createServer((req, res) => {
      seen.push({ host: req.headers.host, method: req.method });
      res.writeHead(302, { Location: 'http://127.0.0.1:1/' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // "pinned.test" would not resolve at all: only the pinned address can be reached.
    const policy = new TargetPolicy(AllowList.parse(['pinned.test']), async () => [{ address: '127.0.0.1', family: 4 }]);
    const sender = new WebhookSender(policy, { timeoutMs: 2000 });
    try {
      const r = await sender.post(`http://pinned.test:${port}/hook`, '{}', { 'Content-Type': 'application/json' });
      assert.equal(r.statusCode, 302, 'a redirect is an answer, not followed');
      assert.deepEqual(seen, [{ host: `pinned.test:${port}`, method: 'POST' }]);
    } finally {
      sender.close();
      server.close();
    }
  });

  it('refuses at send time too, without connecting', async () => {
    const sender = new WebhookSender(new TargetPolicy(AllowList.parse([])), { timeoutMs: 2000 });
    const r = await sender.post('http://127.0.0.1:9/', '{}', {});
    assert.equal(r.statusCode, null);
    assert.match(r.error ?? '', /^refused: .*loopback/);
  });

  it('times out a receiver that never answers', async () => {
    const server = createServer(() => { /* never answers */ });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const sender = new WebhookSender(new TargetPolicy(AllowList.parse(['127.0.0.1'])), { timeoutMs: 300 });
    try {
      const r = await sender.post(`http://127.0.0.1:${port}/`, '{}', {});
      assert.equal(r.statusCode, null);
      assert.match(r.error ?? '', /timed out/);
    } finally {
      sender.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('https: pinned to the checked address, SNI and certificate checks use the host name', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/CN=hooks.pinned.test', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available');
      return;
    }
    const names: string[] = [];
    const server = createTlsServer({
      key: readFileSync(path.join(dir, 'k.pem')), cert: readFileSync(path.join(dir, 'c.pem')),
      SNICallback: (name, cb) => { names.push(name); cb(null, undefined); },
    }, (_req, res) => res.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const sender = new WebhookSender(new TargetPolicy(AllowList.parse(['127.0.0.1']), async () => [{ address: '127.0.0.1', family: 4 }]), { timeoutMs: 2000 });
    try {
      const r = await sender.post(`https://hooks.pinned.test:${port}/`, '{}', {});
      assert.deepEqual(names, ['hooks.pinned.test'], 'SNI carries the host name while the socket goes to 127.0.0.1');
      assert.equal(r.statusCode, null, 'a self-signed certificate is refused');
      assert.match(r.error ?? '', /SELF_SIGNED|CERT|certificate/i);
    } finally {
      sender.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
