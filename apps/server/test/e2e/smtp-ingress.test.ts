/** SMTP ingress basics over a raw socket: who we accept mail for, and the replies for the rest. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs } from '../helpers/api.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);

describe('SMTP ingress', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_MAX_MESSAGE_BYTES: '65536', TEMPMAIL_DOMAINS: 'tempmail.local,alt.test' }); });
  after(async () => { await svc.stop(); });

  const newBox = async (domain?: string) =>
    (await http(`${svc.httpUrl}/api/generate_email.php?${qs({ domain })}`)).body as { email: string; token: string };

  async function session() {
    const s = await rawSmtp(svc.smtpPort);
    assert.equal((await s.reply()).code, 220);
    assert.equal((await s.command('EHLO test.example')).code, 250);
    return s;
  }

  it('greets with 220, announces SIZE and refuses AUTH (we never relay)', async () => {
    const s = await rawSmtp(svc.smtpPort);
    assert.match((await s.reply()).text, /^220 /);
    const ehlo = await s.command('EHLO client.example');
    assert.match(ehlo.text, /SIZE 65536/);
    assert.doesNotMatch(ehlo.text, /AUTH/);
    s.close();
  });

  it('550 5.1.1 for an unknown mailbox on our domain, 550 5.7.1 for other domains', async () => {
    const s = await session();
    assert.equal((await s.command('MAIL FROM:<a@example.com>')).code, 250);
    const unknown = await s.command('RCPT TO:<nobody-here@tempmail.local>');
    assert.equal(unknown.code, 550);
    assert.match(unknown.text, /5\.1\.1/);
    const relay = await s.command('RCPT TO:<victim@gmail.com>');
    assert.equal(relay.code, 550);
    assert.match(relay.text, /5\.7\.1/);
    const tricky = await s.command('RCPT TO:<"x@tempmail.local"@gmail.com>');
    assert.ok(tricky.code >= 500 && tricky.code < 600, `quoted local part refused: ${tricky.text}`);
    s.close();
  });

  it('accepts mail on every configured domain, case-insensitively, and delivers to several mailboxes', async () => {
    const a = await newBox();
    const b = await newBox('alt.test');
    assert.match(b.email, /@alt\.test$/);
    const s = await session();
    await s.command('MAIL FROM:<a@example.com>');
    assert.equal((await s.command(`RCPT TO:<${a.email.toUpperCase()}>`)).code, 250);
    assert.equal((await s.command(`RCPT TO:<${b.email}>`)).code, 250);
    assert.equal((await s.command('DATA')).code, 354);
    const done = await s.command('Subject: to both\r\n\r\nhello both\r\n.');
    assert.equal(done.code, 250);
    s.close();
    for (const box of [a, b]) {
      const list = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
      assert.equal(list.subject, 'to both');
    }
  });

  it('552 for mail over TEMPMAIL_MAX_MESSAGE_BYTES, declared or not, and the session goes on', async () => {
    const box = await newBox();
    const s = await session();
    const declared = await s.command(`MAIL FROM:<a@example.com> SIZE=${10 * 1024 * 1024}`);
    assert.equal(declared.code, 552);
    assert.equal((await s.command('MAIL FROM:<a@example.com>')).code, 250);
    assert.equal((await s.command(`RCPT TO:<${box.email}>`)).code, 250);
    assert.equal((await s.command('DATA')).code, 354);
    const line = `${'x'.repeat(998)}\r\n`;
    s.send(`Subject: big\r\n\r\n${line.repeat(100)}`); // ~100 KB > 64 KB
    const big = await s.command('.');
    assert.equal(big.code, 552);
    assert.equal((await s.command('RSET')).code, 250);
    assert.equal((await s.command('MAIL FROM:<a@example.com>')).code, 250);
    s.close();
    const list = (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body;
    assert.equal(list.length, 0, 'nothing of the oversized message was kept');
  });

  it('550 5.1.1 for a mailbox whose TTL has passed', async () => {
    const box = (await http(`${svc.httpUrl}/api/generate_email.php?ttl=60`)).body;
    // TEMPMAIL_MIN_TTL_SECONDS is 60 by default: make a second service with a 1 s floor for this.
    assert.ok(box.email);
    const quick = await startService({ TEMPMAIL_MIN_TTL_SECONDS: '1' });
    try {
      const short = (await http(`${quick.httpUrl}/api/generate_email.php?ttl=1`)).body;
      await new Promise((r) => setTimeout(r, 1200));
      const s = await rawSmtp(quick.smtpPort);
      await s.reply();
      await s.command('EHLO t');
      await s.command('MAIL FROM:<a@example.com>');
      const r = await s.command(`RCPT TO:<${short.email}>`);
      assert.equal(r.code, 550);
      assert.match(r.text, /5\.1\.1/);
      s.close();
      assert.equal((await http(`${quick.httpUrl}/api/inbox.php?${qs(short)}`)).status, 404);
    } finally {
      await quick.stop();
    }
  });

  it('works with swaks, a real SMTP client from the outside', async () => {
    const box = await newBox();
    const { stdout } = await run('swaks', ['--server', `127.0.0.1:${svc.smtpPort}`, '--to', box.email, '--from', 'swaks@example.net',
      '--header', 'Subject: hello from swaks', '--body', 'Your code: 120934'], { timeout: 120_000 });
    assert.match(stdout, /<- {2}250 2\.0\.0 Ok: queued as msg_/);
    const m = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    assert.equal(m.subject, 'hello from swaks');
  });
});
