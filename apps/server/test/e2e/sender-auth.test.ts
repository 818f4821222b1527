/**
 * Sender authentication end to end (issue 21): real SMTP from 127.0.0.1, mail DKIM-signed by
 * nodemailer with keys made here, SPF / DKIM / DMARC TXT records served by a DNS server on
 * loopback (TEMPMAIL_DNS_SERVERS). Results follow the message: read.php shows them once computed,
 * the WebSocket and webhooks get `message.updated`; a resolver that is away gives temperror and
 * holds up nothing. Then verified-sender waits (from_domain + require_auth=1).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { WebSocket } from 'ws';
import { eventually, http, qs } from '../helpers/api.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createKey } from '../helpers/keys.js';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CLI, REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

/** A DKIM key pair and its DNS record. */
function dkimKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

interface SignedMail {
  from: string;
  envelopeFrom: string;
  to: string;
  subject: string;
  text: string;
  /** Signs as this domain with this key (nodemailer's DKIM signing). */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** Sends over real SMTP from 127.0.0.1; resolves with the server's reply after DATA. */
async function send(port: number, m: SignedMail): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.test', ...(m.dkim ? { dkim: m.dkim } : {}) });
  try {
    const info = await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, envelope: { from: m.envelopeFrom, to: m.to } });
    return info.response;
  } finally {
    transport.close();
  }
}

interface Hit { headers: IncomingHttpHeaders; body: any }

describe('sender authentication (SPF, DKIM, DMARC, ARC)', () => {
  let dns: TestDnsServer;
  let svc: ServiceHandle;
  let key: string;
  let hooks: Server;
  const hits: Hit[] = [];
  let hookUrl = '';

  before(async () => {
    dns = await startDnsServer();
    hooks = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    svc = await startService({
      TEMPMAIL_AUTH_CHECKS: 'on',
      TEMPMAIL_DNS_SERVERS: dns.address,
      TEMPMAIL_AUTH_DNS_TIMEOUT_MS: '5000',
      TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    });
    key = await createKey(svc, 'premium');
  });
  after(async () => {
    await svc?.stop();
    await dns?.close();
    await new Promise<void>((r) => { hooks?.closeAllConnections(); hooks?.close(() => r()); });
  });

  const newMailbox = async (): Promise<string> => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email;
  const inbox = async (email: string) => (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`)).body as Array<{ id: string; subject: string }>;
  const read = async (email: string, id: string) => (await http(`${svc.httpUrl}/v1/read.php?${qs({ key, email, id })}`)).body;
  /** Sends, then waits for the message's authentication results; answers read.php's message. */
  async function deliverAndCheck(m: SignedMail) {
    const reply = await send(svc.smtpPort, m);
    assert.match(reply, /^250 /);
    const [listed] = await eventually(async () => (await inbox(m.to)).filter((x) => x.subject === m.subject).slice(0, 1));
    return eventually(async () => {
      const message = await read(m.to, listed!.id);
      return message.authentication ? message : null;
    });
  }

  it('pass: SPF for 127.0.0.1, an aligned DKIM signature and DMARC pass; WebSocket and webhook get message.updated', async () => {
    const k = dkimKey();
    dns.setTxt('pass.test', ['v=spf1 ip4:127.0.0.1 -all']);
    dns.setTxt('s1._domainkey.pass.test', [k.record]);
    dns.setTxt('_dmarc.pass.test', ['v=DMARC1; p=reject']);
    const email = await newMailbox();
    const reg = await http(`${svc.httpUrl}/v1/webhook.php`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs({ key, email, url: hookUrl }),
    });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/v1/ws?${qs({ key, email })}`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });

    const message = await deliverAndCheck({
      from: 'Shop <hello@pass.test>', envelopeFrom: 'bounce@pass.test', to: email, subject: 'pass', text: 'Your code is 482910.',
      dkim: { domainName: 'pass.test', keySelector: 's1', privateKey: k.privateKey },
    });
    const auth = message.authentication;
    assert.deepEqual(auth.spf, { result: 'pass', domain: 'pass.test', client_ip: '127.0.0.1' });
    assert.deepEqual(auth.dkim, [{ result: 'pass', domain: 'pass.test', selector: 's1', aligned: true }]);
    assert.equal(auth.dmarc.result, 'pass');
    assert.equal(auth.dmarc.domain, 'pass.test');
    assert.equal(auth.dmarc.policy, 'reject');
    assert.equal(auth.dmarc.spf_aligned, true);
    assert.equal(auth.dmarc.dkim_aligned, true);
    assert.equal(auth.arc.result, 'none');
    assert.deepEqual(auth.verified_domains, ['pass.test']);

    // Live: the new message first (results not known yet), then the same id with them.
    const updated = await eventually(async () => frames.find((f) => f.event === 'message.updated'));
    const received = frames.find((f) => f.event === 'message.received');
    assert.ok(received, JSON.stringify(frames));
    assert.ok(frames.indexOf(received) < frames.indexOf(updated));
    assert.equal(received.id, message.id);
    assert.equal('authentication' in received, false, 'message.received keeps the contract\'s fields');
    assert.equal(updated.id, message.id);
    assert.equal(updated.otp, '482910');
    assert.deepEqual(updated.authentication, auth);
    ws.close();

    // Webhook: both events, the updated one with the results and its name in X-TempMail-Event.
    const hookUpdate = await eventually(async () => hits.find((h) => h.body.id === message.id && h.body.event === 'message.updated'));
    assert.equal(hookUpdate.headers['x-tempmail-event'], 'message.updated');
    assert.deepEqual(hookUpdate.body.authentication, auth);
    await eventually(async () => hits.find((h) => h.body.id === message.id && h.body.event === 'message.received'));
  });

  it('fail: SPF -all without 127.0.0.1 and a signature the published key does not verify', async () => {
    const signing = dkimKey();
    const published = dkimKey();
    dns.setTxt('fail.test', ['v=spf1 -all']);
    dns.setTxt('s1._domainkey.fail.test', [published.record]);
    dns.setTxt('_dmarc.fail.test', ['v=DMARC1; p=quarantine']);
    const email = await newMailbox();
    const { authentication: auth } = await deliverAndCheck({
      from: 'billing@fail.test', envelopeFrom: 'billing@fail.test', to: email, subject: 'fail', text: 'Pay now.',
      dkim: { domainName: 'fail.test', keySelector: 's1', privateKey: signing.privateKey },
    });
    assert.equal(auth.spf.result, 'fail');
    assert.equal(auth.dkim.length, 1);
    assert.equal(auth.dkim[0].result, 'fail');
    assert.equal(auth.dkim[0].domain, 'fail.test');
    assert.equal(auth.dmarc.result, 'fail');
    assert.equal(auth.dmarc.policy, 'quarantine');
    assert.deepEqual(auth.verified_domains, []);
  });

  it('none: no SPF, no signature, no DMARC record', async () => {
    const email = await newMailbox();
    const { authentication: auth } = await deliverAndCheck({
      from: 'someone@plain.test', envelopeFrom: 'someone@plain.test', to: email, subject: 'none', text: 'Hi.',
    });
    assert.equal(auth.spf.result, 'none');
    assert.deepEqual(auth.dkim, []);
    assert.equal(auth.dmarc.result, 'none');
    assert.equal(auth.dmarc.policy, null);
    assert.deepEqual(auth.verified_domains, []);
  });

  it('misaligned: SPF and DKIM pass for the mailing service, DMARC fails for the From domain', async () => {
    const k = dkimKey();
    dns.setTxt('mailer.test', ['v=spf1 ip4:127.0.0.1 -all']);
    dns.setTxt('m1._domainkey.mailer.test', [k.record]);
    dns.setTxt('_dmarc.brand.test', ['v=DMARC1; p=reject']);
    const email = await newMailbox();
    const { authentication: auth } = await deliverAndCheck({
      from: 'news@brand.test', envelopeFrom: 'bounces@mailer.test', to: email, subject: 'misaligned', text: 'News.',
      dkim: { domainName: 'mailer.test', keySelector: 'm1', privateKey: k.privateKey },
    });
    assert.equal(auth.spf.result, 'pass');
    assert.equal(auth.spf.domain, 'mailer.test');
    assert.deepEqual(auth.dkim, [{ result: 'pass', domain: 'mailer.test', selector: 'm1', aligned: false }]);
    assert.equal(auth.dmarc.result, 'fail');
    assert.equal(auth.dmarc.domain, 'brand.test');
    assert.equal(auth.dmarc.spf_aligned, false);
    assert.equal(auth.dmarc.dkim_aligned, false);
    assert.deepEqual(auth.verified_domains, ['mailer.test']);
  });

  it('forged From: a bank\'s address sent by someone else fails DMARC and verifies nothing', async () => {
    dns.setTxt('bank.test', ['v=spf1 ip4:192.0.2.1 -all']);
    dns.setTxt('_dmarc.bank.test', ['v=DMARC1; p=reject']);
    const email = await newMailbox();
    const { authentication: auth, sender } = await deliverAndCheck({
      from: 'Bank Security <security@bank.test>', envelopeFrom: 'x@evil.test', to: email, subject: 'forged', text: 'Your code is 111222.',
    });
    assert.equal(sender, 'security@bank.test');
    assert.equal(auth.spf.domain, 'evil.test');
    assert.equal(auth.spf.result, 'none');
    assert.equal(auth.dmarc.result, 'fail');
    assert.equal(auth.dmarc.domain, 'bank.test');
    assert.equal(auth.dmarc.policy, 'reject');
    assert.deepEqual(auth.verified_domains, []);
  });

  it('DNS down: the message is taken and pushed at once, and its results say temperror', async () => {
    const k = dkimKey();
    dns.setTxt('down.test', ['v=spf1 ip4:127.0.0.1 -all']);
    dns.setTxt('s1._domainkey.down.test', [k.record]);
    dns.setTxt('_dmarc.down.test', ['v=DMARC1; p=reject']);
    dns.setDown(true);
    try {
      const email = await newMailbox();
      const { authentication: auth } = await deliverAndCheck({
        from: 'hello@down.test', envelopeFrom: 'hello@down.test', to: email, subject: 'down', text: 'Code 909090.',
        dkim: { domainName: 'down.test', keySelector: 's1', privateKey: k.privateKey },
      });
      assert.equal(auth.spf.result, 'temperror');
      assert.equal(auth.dmarc.result, 'temperror');
      for (const sig of auth.dkim) assert.equal(sig.result, 'temperror');
      assert.deepEqual(auth.verified_domains, []);
    } finally {
      dns.setDown(false);
    }
  });

  describe('verified-sender waits (from_domain, require_auth=1)', () => {
    const wait = (params: Record<string, string | number | undefined>) => http(`${svc.httpUrl}/v1/wait.php?${qs({ key, ...params })}`);

    it('ignores a forged message and answers with the authenticated one, held or already there', async () => {
      const k = dkimKey();
      dns.setTxt('shop.test', ['v=spf1 ip4:127.0.0.1 -all']);
      dns.setTxt('k1._domainkey.shop.test', [k.record]);
      dns.setTxt('_dmarc.shop.test', ['v=DMARC1; p=reject']);
      const email = await newMailbox();
      const held = wait({ email, from_domain: 'shop.test', require_auth: 1, match: 'otp', timeout: 60 });
      const plain = wait({ email, from_domain: 'shop.test', match: 'otp', timeout: 60 });
      // The forged one comes first and is fully checked before the genuine one is sent.
      const forged = await deliverAndCheck({
        from: 'no-reply@shop.test', envelopeFrom: 'x@evil.test', to: email, subject: 'forged code', text: 'Your code is 583920.',
      });
      assert.deepEqual(forged.authentication.verified_domains, []);
      // Without require_auth the From domain alone counts: the forged message matches.
      assert.equal((await plain).body.otp, '583920');
      await deliverAndCheck({
        from: 'no-reply@shop.test', envelopeFrom: 'bounce@shop.test', to: email, subject: 'real code', text: 'Your code is 720416.',
        dkim: { domainName: 'shop.test', keySelector: 'k1', privateKey: k.privateKey },
      });
      const res = await held;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.otp, '720416');
      assert.deepEqual(res.body.authentication.verified_domains, ['shop.test']);
      // A new wait finds the authenticated one among those already there, the forged one older.
      const again = await wait({ email, from_domain: 'shop.test', require_auth: 1, timeout: 5 });
      assert.equal(again.body.otp, '720416');
      // A domain nothing was authenticated for: 408.
      assert.equal((await wait({ email, from_domain: 'other.test', require_auth: 1, timeout: 0.5 })).status, 408);
      // inbox.php takes the same filter.
      const listed = (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email, from_domain: 'shop.test', require_auth: 1 })}`)).body;
      assert.deepEqual(listed.map((m: { subject: string }) => m.subject), ['real code']);
    });

    it('a held wait is answered when the results arrive after the message (message.updated)', async () => {
      const k = dkimKey();
      dns.setTxt('late.test', ['v=spf1 ip4:127.0.0.1 -all']);
      dns.setTxt('k1._domainkey.late.test', [k.record]);
      dns.setTxt('_dmarc.late.test', ['v=DMARC1; p=reject']);
      const email = await newMailbox();
      const held = wait({ email, from_domain: 'late.test', require_auth: 1, timeout: 60 });
      await send(svc.smtpPort, {
        from: 'a@late.test', envelopeFrom: 'a@late.test', to: email, subject: 'late', text: 'Code 333444.',
        dkim: { domainName: 'late.test', keySelector: 'k1', privateKey: k.privateKey },
      });
      const res = await held;
      assert.equal(res.status, 200);
      assert.equal(res.body.subject, 'late');
      assert.equal(res.body.authentication.dmarc.result, 'pass');
    });

    it('the TypeScript SDK\'s waitForOtp and the CLI\'s wait take the same filter (fromDomain/requireAuth, --from-domain/--require-auth)', async () => {
      const k = dkimKey();
      dns.setTxt('tools.test', ['v=spf1 ip4:127.0.0.1 -all']);
      dns.setTxt('k1._domainkey.tools.test', [k.record]);
      dns.setTxt('_dmarc.tools.test', ['v=DMARC1; p=reject']);
      // The built SDK (scripts/test.sh builds it), as its users load it.
      const sdk = await import(pathToFileURL(path.join(REPO_ROOT, 'packages/sdk/dist/index.js')).href);
      const client = new sdk.TempMail({ key, baseUrl: svc.httpUrl });
      const email = await newMailbox();
      await deliverAndCheck({ from: 'no-reply@tools.test', envelopeFrom: 'x@evil.test', to: email, subject: 'forged', text: 'Your code is 583920.' });
      const viaSdk = client.waitForOtp(email, { fromDomain: 'tools.test', requireAuth: true, timeout: 60_000 });
      const viaCli = promisify(execFile)(process.execPath, [CLI, 'wait', email, '--otp', '--from-domain', 'tools.test', '--require-auth', '--timeout', '60'], {
        env: { ...svc.env, TEMPMAIL_URL: svc.httpUrl, TEMPMAIL_KEY: key },
      });
      await send(svc.smtpPort, {
        from: 'no-reply@tools.test', envelopeFrom: 'bounce@tools.test', to: email, subject: 'real', text: 'Your code is 720416.',
        dkim: { domainName: 'tools.test', keySelector: 'k1', privateKey: k.privateKey },
      });
      assert.equal(await viaSdk, '720416');
      assert.equal((await viaCli).stdout.trim(), '720416');
    });

    it('refuses a bad from_domain or require_auth with 400', async () => {
      const email = await newMailbox();
      assert.equal((await wait({ email, from_domain: 'not a domain', timeout: 1 })).status, 400);
      assert.equal((await wait({ email, require_auth: 'maybe', timeout: 1 })).status, 400);
    });
  });
});
