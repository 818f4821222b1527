/**
 * Webhooks survive a crash: a message answered 250 is delivered even when the process is
 * SIGKILLed right after (mid-send, or before the receiver was even up), by the next process on
 * the same DATA_DIR. And nothing is sent for a mailbox once it has expired.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, http, qs } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { freePort, type ServiceHandle, startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { parseSignatureHeader, verifySignature } from '../../src/webhooks/signing.js';
import { INCONCLUSIVE, withGrowingWindow } from '../helpers/growing-window.js';

interface Hit { path: string; headers: IncomingHttpHeaders; body: string; at: number }

/** A receiver on a fixed port; `respond` picks the status (or 'hang') per request. */
async function receiver(port: number, respond: (hit: Hit, n: number) => number | 'hang' = () => 200) {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      hits.push(hit);
      const status = respond(hit, hits.length);
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    hits,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function smtpSend(port: number, to: string, subject: string): Promise<string> {
  const c = await rawSmtp(port);
  try {
    await c.reply();
    await c.command('EHLO test');
    await c.command('MAIL FROM:<sender@example.com>');
    assert.equal((await c.command(`RCPT TO:<${to}>`)).code, 250);
    await c.command('DATA');
    c.send(`From: sender@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nCode 482910\r\n.\r\n`);
    const r = await c.reply();
    assert.equal(r.code, 250, r.text);
    return /queued as (\S+)/.exec(r.text)![1];
  } finally {
    c.close();
  }
}

const ENV = {
  TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
  TEMPMAIL_WEBHOOK_RETRY_BASE_MS: '300',
  TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS: '100',
  TEMPMAIL_WEBHOOK_TIMEOUT_MS: '1500',
  TEMPMAIL_MIN_TTL_SECONDS: '1',
  TEMPMAIL_RATE_PREMIUM: '100000',
};

describe('webhook durability', () => {
  const cleanup: Array<() => Promise<void>> = [];
  after(async () => { for (const f of cleanup.reverse()) await f(); });

  it('delivers after SIGKILL right after the 250 (mid-send, and with the receiver down)', async () => {
    let svc: ServiceHandle = await startService(ENV);
    const first = svc;
    cleanup.push(() => first.stop({ keepData: true }));
    const key = await createKey(svc, 'premium');
    const gen = async () => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string;

    // A: the receiver takes the first POST and never answers; the process dies meanwhile.
    const hangingRx = await receiver(0, (_h, n) => (n === 1 ? 'hang' : 200));
    cleanup.push(hangingRx.close);
    const boxA = await gen();
    const regA = await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', body: new URLSearchParams({ key, email: boxA, url: `http://127.0.0.1:${hangingRx.port}/a` }) });
    assert.equal(regA.status, 200);

    // B: the receiver is not up yet (connection refused), then the process dies.
    const portB = await freePort();
    const boxB = await gen();
    const regB = await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', body: new URLSearchParams({ key, email: boxB, url: `http://127.0.0.1:${portB}/b` }) });
    assert.equal(regB.status, 200);

    const idA = await smtpSend(svc.smtpPort, boxA, 'crash A');
    const idB = await smtpSend(svc.smtpPort, boxB, 'crash B');
    await eventually(async () => hangingRx.hits.length === 1, 5000, 5); // the POST is in flight
    await svc.kill();

    const rxB = await receiver(portB);
    cleanup.push(rxB.close);
    svc = await startService({ ...ENV, DATA_DIR: first.dataDir });
    const second = svc;
    cleanup.push(() => second.stop());

    // B is due (or due soon): the new process picks it up. A waits for its lease (timeout + 5 s).
    const gotB = await eventually(async () => rxB.hits.find((h) => h.headers['x-tempmail-event-id'] === idB), 15_000, 50);
    assert.ok(verifySignature(gotB.headers['x-tempmail-signature'] as string, gotB.body, regB.body.secret));
    assert.equal(JSON.parse(gotB.body).id, idB);
    const gotA = await eventually(async () => hangingRx.hits.slice(1).find((h) => h.headers['x-tempmail-event-id'] === idA), 20_000, 50);
    assert.ok(verifySignature(gotA.headers['x-tempmail-signature'] as string, gotA.body, regA.body.secret), 'the secret survived the restart');
    assert.equal(JSON.parse(gotA.body).subject, 'crash A');
    assert.equal(hangingRx.hits[0].headers['x-tempmail-event-id'], idA, 'the same event id on the retry');
  });

  it('sends nothing for a mailbox after it expires', async () => {
    const svc = await startService(ENV);
    cleanup.push(() => svc.stop());
    const key = await createKey(svc, 'premium');
    // The mailbox must live long enough for retries to be seen before it expires; on a machine
    // too busy for two attempts in its lifetime the TTL doubles (growing-window.ts).
    await withGrowingWindow(3, async (ttl) => {
      const rx = await receiver(0, () => 500);
      cleanup.push(rx.close);
      const box = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key, ttl })}`)).body as { email: string; expires_at: string };
      const expiresAt = Date.parse(box.expires_at);
      const reg = await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', body: new URLSearchParams({ key, email: box.email, url: `http://127.0.0.1:${rx.port}/expiring` }) });
      assert.equal(reg.status, 200);
      await smtpSend(svc.smtpPort, box.email, 'short-lived');
      // Past the expiry on any machine (slowness only adds), with room for late attempts to show.
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 3000));
      // When each attempt was sent, by the server's clock: the signature's t (whole seconds).
      const sentAt = rx.hits.map((h) => parseSignatureHeader(h.headers['x-tempmail-signature'] as string)!.t);
      if (sentAt.length < 2) return INCONCLUSIVE; // no retry seen while it lived: too busy to tell
      const expirySecond = Math.floor(expiresAt / 1000);
      assert.ok(sentAt.every((t) => t <= expirySecond), `no attempt after expiry (${expirySecond}): sent at ${sentAt.join(', ')}`);
      assert.equal((await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key, email: box.email })}`)).status, 404);
    }, 48);
  });
});
