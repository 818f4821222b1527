/**
 * Custom domains checked by the server by itself (no verify=1): a pending domain becomes
 * verified once its MX record appears, a verified one is suspended when the record goes
 * away and verified again when it comes back; SERVFAIL and timeouts change nothing.
 * Re-check timings are shortened through TEMPMAIL_DOMAIN_* variables.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';

const MX = 'mx.tempmail.test';

describe('custom domains (background re-checks)', () => {
  let dns: TestDnsServer;
  let svc: ServiceHandle;
  let key: string;

  before(async () => {
    dns = await startDnsServer();
    svc = await startService({
      TEMPMAIL_DOMAINS: 'tempmail.test',
      TEMPMAIL_MX_HOST: MX,
      TEMPMAIL_DNS_SERVERS: dns.address,
      TEMPMAIL_DOMAIN_RECHECK_MS: '100',
      TEMPMAIL_DOMAIN_RECHECK_MAX_MS: '200',
      TEMPMAIL_DOMAIN_VERIFIED_RECHECK_MS: '200',
      TEMPMAIL_DNS_TIMEOUT_MS: '5000',
    });
    key = await createKey(svc, 'premium');
  });
  after(async () => {
    await svc?.stop();
    await dns?.close();
  });

  const status = async (domain: string) => {
    const res = await http(`${svc.httpUrl}/v1/domains.php?${qs({ key, domain })}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.status as string;
  };
  const becomes = (domain: string, wanted: string) => eventually(async () => (await status(domain)) === wanted, 10_000, 50);

  async function rcptCode(address: string): Promise<string> {
    const smtp = await rawSmtp(svc.smtpPort);
    try {
      await smtp.reply();
      await smtp.command('EHLO test.example');
      await smtp.command('MAIL FROM:<sender@example.com>');
      return (await smtp.command(`RCPT TO:<${address}>`)).text;
    } finally {
      smtp.close();
    }
  }

  it('verifies, suspends and restores a domain by itself, and delivers mail only while verified', async () => {
    const domain = 'auto.customer.test';
    const created = await http(`${svc.httpUrl}/v1/domains.php`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs({ key, domain }),
    });
    assert.deepEqual(created.body, { domain, status: 'pending', mx: MX });
    // Re-checked by the server on its own (waited for, not timed), and still pending without an MX.
    await eventually(async () => dns.queries(domain) >= 2);
    assert.equal(await status(domain), 'pending', 'no MX record yet');

    dns.setMx(domain, MX);
    await becomes(domain, 'verified');
    const gen = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key, domain })}`);
    assert.equal(gen.status, 200, JSON.stringify(gen.body));
    const email = gen.body.email as string;
    assert.match((await sendMail(svc.smtpPort, { to: email, subject: 'hello' })).response, /^250 /);

    dns.removeMx(domain);
    await becomes(domain, 'suspended');
    // The SMTP acceptance cache lives at most a few seconds.
    await eventually(async () => /^550 5\.7\.1/.test(await rcptCode(email)), 10_000, 200);

    dns.setMx(domain, MX);
    await becomes(domain, 'verified');
    await eventually(async () => /^250/.test(await rcptCode(email)), 10_000, 200);

    const inbox = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`);
    assert.equal(inbox.status, 200);
    assert.equal(inbox.body.length, 1);
  });

  it('keeps a verified domain verified through SERVFAIL and timeouts', async () => {
    const domain = 'flaky.customer.test';
    dns.setMx(domain, MX);
    const created = await http(`${svc.httpUrl}/v1/domains.php`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, domain }),
    });
    assert.equal(created.body.status, 'verified');

    dns.setServfail(domain);
    const before = dns.queries(domain);
    await eventually(async () => dns.queries(domain) >= before + 3, 10_000, 50);
    assert.equal(await status(domain), 'verified');

    dns.setDrop(domain);
    const beforeDrop = dns.queries(domain);
    await eventually(async () => dns.queries(domain) >= beforeDrop + 2, 10_000, 50);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await status(domain), 'verified');
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key, domain })}`)).status, 200);

    dns.removeMx(domain);
    await becomes(domain, 'suspended');
  });
});
