/**
 * SSRF at registration, end to end, with no TEMPMAIL_WEBHOOK_ALLOW_HOSTS: every spelling of a
 * private, loopback, link-local, unspecified or metadata address is a 400 with a clear message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { http, qs } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

describe('webhook registration refuses internal targets', () => {
  let svc: ServiceHandle;
  let key: string;
  let email: string;

  before(async () => {
    svc = await startService({ TEMPMAIL_RATE_PREMIUM: '100000' });
    key = await createKey(svc, 'premium');
    email = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email;
  });
  after(async () => {
    await svc?.stop();
  });

  const register = (url: string) => http(`${svc.httpUrl}/v1/webhook.php`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key, email, url }),
  });

  const refused: Array<[string, RegExp]> = [
    ['http://127.0.0.1/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f000001/', /loopback/],
    ['http://0177.0.0.1/', /loopback/],
    ['http://127.1/', /loopback/],
    ['http://0x7f.0.0.1:8080/x', /loopback/],
    ['http://localhost/', /loopback/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://[::]/', /unspecified/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /IPv4-mapped.*loopback/],
    ['http://[::ffff:a9fe:a9fe]/', /IPv4-mapped.*metadata/],
    ['http://[64:ff9b::10.0.0.1]/', /NAT64.*private/],
    ['http://[2002:c0a8:0101::1]/', /6to4.*private/],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /Teredo/],
    ['http://[fc00::1]/', /unique-local/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fd00:ec2::254]/latest/meta-data/', /metadata/],
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://169.254.1.1/', /link-local/],
    ['http://10.1.2.3/', /private/],
    ['http://172.16.0.1/', /private/],
    ['http://192.168.1.1/', /private/],
    ['http://100.64.0.1/', /carrier-grade/],
    ['http://224.0.0.1/', /multicast/],
    ['http://255.255.255.255/', /broadcast/],
    ['http://192.0.2.10/', /documentation/],
    ['https://[2001:db8::1]/', /documentation/],
    ['ftp://example.com/', /http or https/],
    ['file:///etc/passwd', /http or https/],
    ['gopher://127.0.0.1:6379/_INFO', /http or https/],
  ];

  for (const [url, reason] of refused) {
    it(`400 for ${url}`, async () => {
      const r = await register(url);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'bad_request');
      assert.match(r.body.error.message, reason);
    });
  }

  it('nothing was registered', async () => {
    const r = await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key, email })}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, []);
  });
});
