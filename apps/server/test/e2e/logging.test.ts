/**
 * Logs at the default level (info), read from the real service's stderr: one structured line per
 * SMTP transaction with no address or subject in clear (unless TEMPMAIL_LOG_ADDRESSES=1);
 * warnings for a parse cut off at its time limit, a message kept raw and a failed webhook
 * attempt; request ids in the HTTP lines and echoed as X-Request-Id.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { bigHtml, deliver } from './limits-helpers.js';

/** The JSON lines of a service's stderr. */
function lines(svc: ServiceHandle): Array<Record<string, any>> {
  return svc.logs().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
}

describe('logs (LOG_LEVEL=info)', () => {
  let quiet: ServiceHandle;
  let loud: ServiceHandle;
  let rx: Server;
  let rxUrl = '';
  const senderLocal = `sender${randomBytes(4).toString('hex')}`;
  const subject = `Subject${randomBytes(6).toString('hex')}`;

  before(async () => {
    rx = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(500).end()); });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    rxUrl = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`;
    const env = {
      LOG_LEVEL: 'info', TEMPMAIL_PARSE_TIMEOUT_MS: '100', TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS: '100', TEMPMAIL_WEBHOOK_RETRY_BASE_MS: '30000',
    };
    [quiet, loud] = await Promise.all([startService(env), startService({ ...env, TEMPMAIL_LOG_ADDRESSES: '1' })]);
  });
  after(async () => {
    await quiet?.stop();
    await loud?.stop();
    await new Promise<void>((r) => rx.close(() => r()));
  });

  const newBox = async (svc: ServiceHandle) => (await http(`${svc.httpUrl}/api/generate_email.php`)).body as { email: string; token: string };

  it('one info line per transaction; no address or subject in clear by default', async () => {
    const box = await newBox(quiet);
    await sendMail(quiet.smtpPort, { from: `${senderLocal}@example.org`, to: box.email, subject, text: 'Your code is 918273.' });
    const line = await eventually(async () => lines(quiet).find((l) => l.msg === 'smtp transaction' && l.smtp.code === 250));
    assert.equal(line.level, 30, 'info');
    assert.equal(line.smtp.ids.length, 1);
    assert.match(line.smtp.from, /^h:[A-Za-z0-9_-]{16}$/);
    assert.match(line.smtp.to[0], /^h:[A-Za-z0-9_-]{16}$/);
    assert.match(line.smtp.client, /^h:/);
    assert.ok(line.smtp.ms.parsed <= line.smtp.ms.stored && line.smtp.ms.stored <= line.smtp.ms.replied, JSON.stringify(line.smtp.ms));
    const all = quiet.logs();
    const local = box.email.split('@')[0];
    for (const secret of [senderLocal, local, subject, '918273', box.token]) assert.ok(!all.includes(secret), `${secret} is not in the logs`);
  });

  it('a refused recipient is not logged in clear', async () => {
    const box = await newBox(quiet);
    const domain = box.email.split('@')[1];
    const unknown = `nobody${randomBytes(4).toString('hex')}`;
    const res = await deliver(quiet.smtpPort, [box.email, `${unknown}@${domain}`], 'Subject: x\r\n\r\nx\r\n');
    assert.equal(res.code, 550, 'the unknown recipient is refused at RCPT');
    assert.ok(!quiet.logs().includes(unknown), 'the refused address is not logged');
  });

  it('warnings: a parse cut off at its time limit, the message kept raw, a failed webhook attempt', async () => {
    const key = await createKey(quiet, 'premium');
    const email = (await http(`${quiet.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string;
    const hook = await http(`${quiet.httpUrl}/v1/webhook.php`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key, email, url: rxUrl }) });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));
    assert.equal((await deliver(quiet.smtpPort, [email], bigHtml(20, subject))).code, 250);
    const killed = await eventually(async () => lines(quiet).find((l) => l.msg === 'parser process killed: the message is kept raw'));
    assert.equal(killed.level, 40);
    assert.equal(killed.reason, 'timeout');
    assert.equal(killed.lane, 'large');
    const raw = await eventually(async () => lines(quiet).find((l) => l.msg === 'message kept raw only: not parsed'));
    assert.equal(raw.level, 40);
    assert.match(raw.reason, /took longer than 100 ms/);
    const failed = await eventually(async () => lines(quiet).find((l) => l.msg === 'webhook attempt failed: will retry'));
    assert.equal(failed.level, 40);
    assert.equal(failed.status, 500);
    assert.ok(!quiet.logs().includes(subject), 'the subject of the raw-only message is not logged');
  });

  it('request ids: echoed as X-Request-Id, a safe one from the caller kept, and in the request\'s log lines', async () => {
    const fresh = await fetch(`${quiet.httpUrl}/healthz`);
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const mine = `trace-${randomBytes(6).toString('hex')}`;
    const refused = await fetch(`${quiet.httpUrl}/metrics`, { headers: { 'X-Request-Id': mine, 'X-Forwarded-For': '203.0.113.7' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-request-id'), mine);
    const line = await eventually(async () => lines(quiet).find((l) => l.msg === 'metrics scrape refused'));
    assert.equal(line.reqId, mine);
    const hostile = await fetch(`${quiet.httpUrl}/healthz`, { headers: { 'X-Request-Id': 'a b"c' } });
    assert.notEqual(hostile.headers.get('x-request-id'), 'a b"c', 'an unsafe id is replaced');
  });

  it('TEMPMAIL_LOG_ADDRESSES=1: addresses and the subject in clear', async () => {
    const box = await newBox(loud);
    await sendMail(loud.smtpPort, { from: `${senderLocal}@example.org`, to: box.email, subject, text: 'hello' });
    const line = await eventually(async () => lines(loud).find((l) => l.msg === 'smtp transaction' && l.smtp.code === 250));
    assert.equal(line.smtp.from, `${senderLocal}@example.org`);
    assert.deepEqual(line.smtp.to, [box.email]);
    assert.equal(line.smtp.subject, subject);
  });
});
