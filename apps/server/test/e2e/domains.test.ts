/**
 * Custom domains end to end, checked on request (verify=1 and the one check at claim time),
 * against a real DNS server on loopback that the test controls. Background re-checks are
 * pushed out of the way here (see domains-background.test.ts for those).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createKey } from '../helpers/keys.js';
import { CLI, type ServiceHandle, startService, tempDataDir } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';

const MX = 'mx.tempmail.test';
const HOUR = String(3_600_000);

describe('custom domains (on request)', () => {
  let dns: TestDnsServer;
  let svc: ServiceHandle;
  let premium: string;
  let otherPremium: string;
  let free: string;

  before(async () => {
    dns = await startDnsServer();
    svc = await startService({
      TEMPMAIL_DOMAINS: 'tempmail.test',
      TEMPMAIL_MX_HOST: MX,
      TEMPMAIL_DNS_SERVERS: dns.address,
      TEMPMAIL_DOMAIN_RECHECK_MS: HOUR,
      TEMPMAIL_DOMAIN_VERIFIED_RECHECK_MS: HOUR,
      TEMPMAIL_DNS_TIMEOUT_MS: '5000',
    });
    [premium, otherPremium, free] = await Promise.all([createKey(svc, 'premium'), createKey(svc, 'premium'), createKey(svc, 'free')]);
  });
  after(async () => {
    await svc?.stop();
    await dns?.close();
  });

  const url = (path: string, params: Record<string, string | number | undefined>) => `${svc.httpUrl}${path}?${qs(params)}`;
  const claim = (key: string, domain: string) => http(`${svc.httpUrl}/v1/domains.php`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs({ key, domain }),
  });
  const getDomain = (key: string, domain: string, verify = false) =>
    http(url('/v1/domains.php', { key, domain, verify: verify ? 1 : undefined }));
  const generate = (key: string, domain: string) => http(url('/v1/generate_email.php', { key, domain }));

  /** RCPT TO reply for one address, over a raw SMTP session. */
  async function rcpt(address: string): Promise<{ code: number; text: string }> {
    const smtp = await rawSmtp(svc.smtpPort);
    try {
      assert.equal((await smtp.reply()).code, 220);
      assert.equal((await smtp.command('EHLO test.example')).code, 250);
      assert.equal((await smtp.command('MAIL FROM:<sender@example.com>')).code, 250);
      const reply = await smtp.command(`RCPT TO:<${address}>`);
      await smtp.command('QUIT').catch(() => undefined);
      return reply;
    } finally {
      smtp.close();
    }
  }

  it('refuses free keys with 403', async () => {
    const res = await claim(free, 'free.customer.test');
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'forbidden');
    assert.match(res.body.error.message, /premium/i);
  });

  it('walks pending -> verified -> suspended -> verified and delivers mail only while verified', async () => {
    const domain = 'temp.customer-one.test';
    const created = await claim(premium, 'Temp.Customer-One.Test.');
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(created.body, { domain, status: 'pending', mx: MX });
    assert.ok(dns.queries(domain) >= 1, 'the claim checks the MX record once');

    // Pending: listed, not usable.
    const list = await http(url('/v1/domains.php', { key: premium }));
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [{ domain, status: 'pending', mx: MX }]);
    assert.deepEqual((await getDomain(premium, domain)).body, { domain, status: 'pending', mx: MX });
    assert.equal((await getDomain(premium, domain, true)).body.status, 'pending', 'still no MX record');
    const early = await generate(premium, domain);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.match(early.body.error.message, /pending/);
    const pendingRcpt = await rcpt(`anyone@${domain}`);
    assert.equal(pendingRcpt.code, 550);
    assert.match(pendingRcpt.text, /5\.7\.1/);

    // The MX record appears: verify=1 sees it.
    dns.setMx(domain, `${MX.toUpperCase()}.`);
    assert.deepEqual((await getDomain(premium, domain, true)).body, { domain, status: 'verified', mx: MX });
    const gen = await generate(premium, domain);
    assert.equal(gen.status, 200, JSON.stringify(gen.body));
    const email = gen.body.email as string;
    assert.match(email, new RegExp(`^[a-z0-9]+@${domain.replace(/\./g, '\\.')}$`));

    const sent = await sendMail(svc.smtpPort, { to: email, subject: 'Your code', text: 'Your verification code is 731904.' });
    assert.match(sent.response, /^250 /);
    const inbox = await eventually(async () => {
      const r = await http(url('/v1/inbox.php', { key: premium, email }));
      return r.status === 200 && r.body.length ? r.body : null;
    });
    const msg = await http(url('/v1/read.php', { key: premium, email, id: inbox[0].id }));
    assert.equal(msg.status, 200);
    assert.equal(msg.body.email, email);
    assert.equal(msg.body.subject, 'Your code');
    assert.equal(msg.body.otp, '731904');
    assert.equal((await rcpt(`nobody-here@${domain}`)).code, 550, 'unknown mailbox on a verified domain');
    assert.match((await rcpt(`nobody-here@${domain}`)).text, /5\.1\.1/);

    // The record goes away: suspended; existing mailboxes stop receiving, no new ones.
    dns.removeMx(domain);
    assert.deepEqual((await getDomain(premium, domain, true)).body, { domain, status: 'suspended', mx: MX });
    const suspendedRcpt = await rcpt(email);
    assert.equal(suspendedRcpt.code, 550);
    assert.match(suspendedRcpt.text, /5\.7\.1/);
    const suspendedGen = await generate(premium, domain);
    assert.equal(suspendedGen.status, 409);
    assert.match(suspendedGen.body.error.message, /suspended/);

    // A failing resolver proves nothing: the status stays.
    dns.setServfail(domain);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'suspended');

    // It comes back: verified again, and the old mailbox receives again.
    dns.setMx(domain, MX);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'verified');
    assert.equal((await rcpt(email)).code, 250);

    dns.setServfail(domain);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'verified', 'SERVFAIL must not suspend');
    assert.equal((await rcpt(email)).code, 250);
    dns.setMx(domain, MX);
  });

  it('comes back verified at once when the MX record is already in place', async () => {
    dns.setMx('ready.customer-two.test', [{ exchange: MX, priority: 5 }, { exchange: `${MX}.`, priority: 10 }]);
    const res = await claim(premium, 'ready.customer-two.test');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { domain: 'ready.customer-two.test', status: 'verified', mx: MX });
    assert.equal((await generate(premium, 'ready.customer-two.test')).status, 200);
  });

  it('stays pending while other MX hosts, a null MX or no MX data are published', async () => {
    const domain = 'mixed.customer-three.test';
    dns.setMx(domain, [{ exchange: MX, priority: 10 }, { exchange: 'mx.elsewhere.test', priority: 20 }]);
    assert.equal((await claim(premium, domain)).body.status, 'pending');
    dns.setMx(domain, [{ exchange: '', priority: 0 }]);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'pending');
    dns.setNoData(domain);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'pending');
    dns.setMx(domain, MX);
    assert.equal((await getDomain(premium, domain, true)).body.status, 'verified');
  });

  it('lets one key hold a domain: 409 for another key, 404 when it generates or reads there', async () => {
    const domain = 'owned.customer-four.test';
    dns.setMx(domain, MX);
    assert.equal((await claim(premium, domain)).body.status, 'verified');
    const again = await claim(premium, domain);
    assert.equal(again.status, 200, 'claiming one\'s own domain again is harmless');
    const stolen = await claim(otherPremium, domain);
    assert.equal(stolen.status, 409, JSON.stringify(stolen.body));
    assert.equal(stolen.body.error.code, 'conflict');
    assert.equal((await generate(otherPremium, domain)).status, 404);
    assert.equal((await getDomain(otherPremium, domain)).status, 404);
    assert.deepEqual((await http(url('/v1/domains.php', { key: otherPremium }))).body, []);
    const del = await http(url('/v1/domains.php', { key: otherPremium, domain }), { method: 'DELETE' });
    assert.equal(del.status, 404);
    assert.equal((await getDomain(premium, domain)).body.status, 'verified', 'another key cannot release it');
  });

  it('generate_email on a pending domain of the key is 409, on someone else\'s 404', async () => {
    const domain = 'pending.customer-five.test';
    assert.equal((await claim(otherPremium, domain)).body.status, 'pending');
    assert.equal((await generate(otherPremium, domain)).status, 409);
    assert.equal((await generate(premium, domain)).status, 404);
    assert.equal((await generate(premium, 'never-claimed.test')).status, 404);
  });

  it('releases a domain: mailboxes left on it never receive the next owner\'s mail', async () => {
    const domain = 'moving.customer-six.test';
    dns.setMx(domain, MX);
    assert.equal((await claim(premium, domain)).body.status, 'verified');
    const old = (await generate(premium, domain)).body.email as string;
    assert.equal((await rcpt(old)).code, 250);

    const del = await http(url('/v1/domains.php', { key: premium, domain }), { method: 'DELETE' });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.deepEqual(del.body, { deleted: true, domain });
    assert.equal((await getDomain(premium, domain)).status, 404);
    assert.match((await rcpt(old)).text, /^550 5\.7\.1/);

    const taken = await claim(otherPremium, domain);
    assert.deepEqual(taken.body, { domain, status: 'verified', mx: MX });
    const rcptOld = await rcpt(old);
    assert.equal(rcptOld.code, 550, 'the first key\'s mailbox must not receive mail for the new owner');
    const fresh = (await generate(otherPremium, domain)).body.email as string;
    assert.equal((await rcpt(fresh)).code, 250);
  });

  it('refuses our own receiving domains, the MX host and names around them', async () => {
    for (const name of ['tempmail.test', 'TEMPMAIL.TEST.', 'sub.tempmail.test', MX, 'deeper.mx.tempmail.test']) {
      const res = await claim(premium, name);
      assert.equal(res.status, 409, `${name}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, /own domains/);
    }
  });

  it('validates names (400) and normalises IDN to punycode', async () => {
    for (const name of ['', 'localhost', '1.2.3.4', '[::1]', 'a..b.test', '-bad.test', 'bad-.test', 'under_score.test',
      'ex%41mple.test', 'user@example.test', 'example.123', `${'a'.repeat(64)}.test`, `${'abcdefghi.'.repeat(26)}test`]) {
      const res = await claim(premium, name);
      assert.equal(res.status, 400, `${JSON.stringify(name)}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'bad_request');
    }
    const idn = await claim(premium, 'Bücher.Customer-Seven.Test.');
    assert.equal(idn.status, 200, JSON.stringify(idn.body));
    assert.equal(idn.body.domain, 'xn--bcher-kva.customer-seven.test');
    assert.equal((await getDomain(premium, 'bücher.customer-seven.test')).body.domain, 'xn--bcher-kva.customer-seven.test');
  });

  it('takes JSON bodies and Bearer keys too; verify=1 without domain checks every domain', async () => {
    const domain = 'json.customer-eight.test';
    const res = await http(`${svc.httpUrl}/v1/domains.php`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${otherPremium}` },
      body: JSON.stringify({ domain }),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'pending');
    assert.ok(res.headers.get('x-ratelimit-limit'));
    dns.setMx(domain, MX);
    const all = await http(url('/v1/domains.php', { key: otherPremium, verify: 1 }));
    assert.equal(all.status, 200);
    assert.equal(all.body.find((d: { domain: string }) => d.domain === domain).status, 'verified');
    assert.equal((await http(url('/v1/domains.php', { domain }))).status, 401, 'no key');
  });
});

describe('custom domain configuration', () => {
  it('stops start-up with one line naming TEMPMAIL_DNS_SERVERS when a resolver is not IP[:port]', () => {
    const dataDir = tempDataDir();
    try {
      const run = spawnSync(process.execPath, [CLI, 'serve'], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', SMTP_PORT: '0', TEMPMAIL_DNS_SERVERS: '127.0.0.1:53,dns.example:53' },
        encoding: 'utf8', timeout: 120_000,
      });
      assert.equal(run.status, 78, run.stderr);
      assert.match(run.stderr, /TEMPMAIL_DNS_SERVERS/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-keyring`, { recursive: true, force: true });
    }
  });
});
