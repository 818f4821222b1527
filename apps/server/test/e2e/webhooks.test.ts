/**
 * Webhooks end to end: a real service, a real HTTP receiver on loopback (allowed through
 * TEMPMAIL_WEBHOOK_ALLOW_HOSTS=127.0.0.1), real SMTP. Registration, signed delivery, retries,
 * 410, authorisation, the sealed secret, and 250 -> POST latency under load.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { verifySignature } from '../../src/webhooks/signing.js';

interface Hit { path: string; headers: IncomingHttpHeaders; body: string; at: number }
type Responder = (hit: Hit, n: number) => number | 'hang';

/** An HTTP receiver that records every request; `respond` picks the status per path. */
async function receiver(respond: Record<string, Responder> = {}) {
  const hits: Hit[] = [];
  const counts = new Map<string, number>();
  const hanging = { open: 0, max: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit: Hit = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      hits.push(hit);
      const n = (counts.get(hit.path) ?? 0) + 1;
      counts.set(hit.path, n);
      const status = (respond[hit.path] ?? (() => 200))(hit, n);
      if (status === 'hang') {
        hanging.max = Math.max(hanging.max, ++hanging.open);
        res.on('close', () => { hanging.open--; });
        return;
      }
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    hits,
    hanging,
    on: (p: string) => hits.filter((h) => h.path === p),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Sends one message over raw SMTP; returns the stored id and when the 250 arrived. */
async function smtpSend(port: number, to: string, subject: string, text = 'Your verification code is 482910.') {
  const c = await rawSmtp(port);
  try {
    await c.reply();
    await c.command('EHLO bench.test');
    assert.equal((await c.command('MAIL FROM:<sender@example.com>')).code, 250);
    assert.equal((await c.command(`RCPT TO:<${to}>`)).code, 250);
    assert.equal((await c.command('DATA')).code, 354);
    c.send(`From: Sender <sender@example.com>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${Math.random()}@example.com>\r\n\r\n${text}\r\n.\r\n`);
    const r = await c.reply();
    const t250 = performance.now();
    assert.equal(r.code, 250, r.text);
    const id = /queued as (\S+)/.exec(r.text)?.[1];
    assert.ok(id, r.text);
    c.send('QUIT\r\n');
    return { id, t250 };
  } finally {
    c.close();
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

describe('webhooks', () => {
  let svc: ServiceHandle;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let premium: string;
  let premium2: string;
  let free: string;
  const fails: Record<string, Responder> = {
    '/fail-once': (_h, n) => (n === 1 ? 500 : 200),
    '/gone': () => 410,
  };

  before(async () => {
    rx = await receiver(fails);
    svc = await startService({
      TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      TEMPMAIL_WEBHOOK_RETRY_BASE_MS: '300',
      TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS: '100',
      TEMPMAIL_WEBHOOK_TIMEOUT_MS: '2000',
      TEMPMAIL_RATE_PREMIUM: '100000',
      TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: '1000',
    });
    [premium, premium2, free] = await Promise.all([createKey(svc, 'premium'), createKey(svc, 'premium'), createKey(svc, 'free')]);
  });
  after(async () => {
    await svc?.stop();
    await rx?.close();
    assert.doesNotMatch(svc?.logs() ?? '', /webhook (delivery|claim) failed/);
  });

  const newMailbox = async (key = premium) => {
    const r = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`);
    assert.equal(r.status, 200);
    return r.body.email as string;
  };
  const register = (key: string, email: string, url: string) => http(`${svc.httpUrl}/v1/webhook.php`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key, email, url }),
  });
  const list = (key: string, email: string) => http(`${svc.httpUrl}/v1/webhook.php?${qs({ key, email })}`);

  it('registers with form fields (premium), answers {id,email,url,secret}, and again for the same URL', async () => {
    const email = await newMailbox();
    const r = await register(premium, email, rx.url('/reg'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['email', 'id', 'secret', 'url']);
    assert.equal(r.body.email, email);
    assert.equal(r.body.url, rx.url('/reg'));
    assert.match(r.body.id, /^whk_[A-Za-z0-9_-]+$/);
    assert.match(r.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const again = await http(`${svc.httpUrl}/v1/webhook.php`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${premium}` },
      body: JSON.stringify({ email, url: rx.url('/reg') }),
    });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, r.body, 'same URL: the same webhook (JSON body and Bearer work too)');
  });

  it('delivers a signed event with exactly the contract fields', async () => {
    const email = await newMailbox();
    const reg = await register(premium, email, rx.url('/basic'));
    assert.equal(reg.status, 200);
    const sent = await sendMail(svc.smtpPort, { to: email, subject: 'Verify your email address', text: 'Your code is 482910' });
    assert.match(sent.response, /^250/);
    const hit = await eventually(async () => rx.on('/basic')[0], 5000);
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.headers['user-agent'], 'TempMail-Webhooks/1');
    const sig = hit.headers['x-tempmail-signature'] as string;
    assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature(sig, hit.body, reg.body.secret), 'signature verifies with the secret');
    assert.ok(!verifySignature(sig, hit.body, 'whsec_wrong'));
    const t = Number(/^t=(\d+)/.exec(sig)![1]);
    assert.ok(Math.abs(t - Date.now() / 1000) < 30);
    const event = JSON.parse(hit.body);
    // The contract's fields in its order, then the extension sender_name.
    assert.deepEqual(Object.keys(event), ['event', 'id', 'email', 'sender', 'subject', 'otp', 'confirmation_link', 'received_at', 'sender_name']);
    assert.equal(event.sender_name, 'Sender', 'the From display name (the helper sends "Sender <sender@example.com>")');
    assert.equal(event.event, 'message.received');
    assert.equal(event.email, email);
    assert.equal(event.sender, 'sender@example.com');
    assert.equal(event.subject, 'Verify your email address');
    assert.equal(event.otp, '482910');
    assert.equal(event.confirmation_link, null);
    assert.match(event.received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(hit.headers['x-tempmail-event-id'], event.id);
    const inbox = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key: premium, email })}`);
    assert.equal(inbox.body[0].id, event.id, 'the event id is the message id');

    const listed = await eventually(async () => {
      const l = await list(premium, email);
      return l.body[0]?.deliveries?.length ? l : null;
    });
    assert.equal(listed.status, 200);
    const [w] = listed.body;
    assert.equal(w.id, reg.body.id);
    assert.equal(w.active, true);
    assert.equal(w.secret, undefined, 'the list does not show the secret');
    assert.equal(w.deliveries[0].status_code, 200);
    assert.equal(w.deliveries[0].outcome, 'delivered');
    assert.equal(w.deliveries[0].attempt, 1);
    assert.equal(w.deliveries[0].message_id, event.id);
    assert.equal(typeof w.deliveries[0].latency_ms, 'number');
  });

  it('retries after a 500 (first retry well within 30 s), same event id, signed again', async () => {
    const email = await newMailbox();
    const reg = await register(premium, email, rx.url('/fail-once'));
    const { id } = await smtpSend(svc.smtpPort, email, 'retry me');
    const [first, second] = await eventually(async () => (rx.on('/fail-once').length >= 2 ? rx.on('/fail-once') : null), 10_000);
    assert.equal(first.headers['x-tempmail-event-id'], id);
    assert.equal(second.headers['x-tempmail-event-id'], id);
    assert.equal(first.body, second.body, 'the same event');
    assert.ok(verifySignature(second.headers['x-tempmail-signature'] as string, second.body, reg.body.secret));
    const gap = second.at - first.at;
    assert.ok(gap >= 100 && gap < 30_000, `retry after ${gap} ms`);
    const l = await eventually(async () => {
      const r = await list(premium, email);
      return r.body[0].deliveries.length >= 2 ? r : null;
    });
    const [d2, d1] = l.body[0].deliveries;
    assert.deepEqual([d1.attempt, d1.status_code, d1.outcome, d1.error], [1, 500, 'failed', 'HTTP 500']);
    assert.deepEqual([d2.attempt, d2.status_code, d2.outcome], [2, 200, 'delivered']);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(rx.on('/fail-once').length, 2, 'no more after success');
  });

  it('410 Gone disables the webhook: nothing more is sent to it', async () => {
    const email = await newMailbox();
    await register(premium, email, rx.url('/gone'));
    await smtpSend(svc.smtpPort, email, 'first');
    await eventually(async () => rx.on('/gone').length === 1, 5000);
    const l = await eventually(async () => {
      const r = await list(premium, email);
      return r.body[0].active === false ? r : null;
    });
    assert.match(l.body[0].disabled_reason, /410/);
    assert.equal(l.body[0].deliveries[0].outcome, 'disabled');
    assert.equal(l.body[0].deliveries[0].status_code, 410);
    await smtpSend(svc.smtpPort, email, 'second');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(rx.on('/gone').length, 1);
  });

  it('refuses free keys (403), other keys\' mailboxes and webhooks (404), bad URLs (400)', async () => {
    const freeBox = await newMailbox(free);
    const f = await register(free, freeBox, rx.url('/free'));
    assert.equal(f.status, 403);
    assert.match(f.body.error.message, /premium/);
    assert.equal(f.body.error.code, 'forbidden');

    const mine = await newMailbox(premium);
    const theirs = await register(premium2, mine, rx.url('/x'));
    assert.equal(theirs.status, 404);
    assert.equal((await list(premium2, mine)).status, 404);
    const reg = await register(premium, mine, rx.url('/owned'));
    const del = await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key: premium2, id: reg.body.id })}`, { method: 'DELETE' });
    assert.equal(del.status, 404);
    const show = await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key: premium2, id: reg.body.id })}`);
    assert.equal(show.status, 404);
    assert.equal((await register(premium, 'nobody@tempmail.local', rx.url('/x'))).status, 404);
    assert.equal((await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', body: new URLSearchParams({ email: mine, url: rx.url('/x') }) })).status, 401);

    for (const url of ['ftp://127.0.0.1/', 'http://127.0.0.2/', 'http://0x7f000002/', 'http://2130706434/', 'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'https://user:pw@example.com/', 'not a url', '']) {
      const r = await register(premium, mine, url);
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'bad_request');
      assert.ok(r.body.error.message.length > 10);
    }
  });

  it('DELETE removes a webhook: no delivery after', async () => {
    const email = await newMailbox();
    const reg = await register(premium, email, rx.url('/deleted'));
    const del = await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key: premium, id: reg.body.id })}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { deleted: true, id: reg.body.id });
    assert.deepEqual((await list(premium, email)).body, []);
    await smtpSend(svc.smtpPort, email, 'after delete');
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(rx.on('/deleted').length, 0);
    assert.equal((await http(`${svc.httpUrl}/v1/webhook.php?${qs({ key: premium, id: reg.body.id })}`, { method: 'DELETE' })).status, 404);
  });

  it('keeps the secret sealed: it is nowhere in the data files', async () => {
    const email = await newMailbox();
    const reg = await register(premium, email, rx.url('/sealed'));
    await smtpSend(svc.smtpPort, email, 'sealed');
    await eventually(async () => rx.on('/sealed').length === 1);
    const needle = Buffer.from(reg.body.secret);
    for (const dir of [svc.dataDir, `${svc.dataDir}-keyring`]) {
      for (const f of readdirSync(dir)) {
        assert.equal(readFileSync(path.join(dir, f)).indexOf(needle), -1, `secret found in ${f}`);
      }
    }
    assert.equal(svc.logs().includes(reg.body.secret), false, 'not logged');
  });

  it('delivers every POST under load, next to a receiver that hangs (latency: printed here, judged in npm run bench)', async (t) => {
    const slow = await receiver({ '/hang': () => 'hang' });
    try {
      const hangBox = await newMailbox();
      assert.equal((await register(premium, hangBox, slow.url('/hang'))).status, 200);
      const boxes = await Promise.all(Array.from({ length: 10 }, () => newMailbox()));
      for (const [i, b] of boxes.entries()) assert.equal((await register(premium, b, rx.url(`/load/${i}`))).status, 200);
      // Warm-up (connections, caches), then one message at a time, then under load.
      await Promise.all(boxes.map((b) => smtpSend(svc.smtpPort, b, 'warm-up')));
      await eventually(async () => rx.hits.filter((h) => h.path.startsWith('/load/')).length >= boxes.length, 10_000);
      const single: number[] = [];
      for (let i = 0; i < 20; i++) {
        const s = await smtpSend(svc.smtpPort, boxes[i % boxes.length], `single ${i}`);
        const hit = await eventually(async () => rx.hits.find((h) => h.headers['x-tempmail-event-id'] === s.id), 5000, 1);
        single.push(hit.at - s.t250);
      }
      t.diagnostic(`webhook latency 250 -> POST, one message at a time (20): p50 ${percentile(single, 50).toFixed(1)} ms, max ${Math.max(...single).toFixed(1)} ms`);
      const sent: Array<{ id: string; t250: number }> = [];
      const total = 300;
      const concurrency = 20;
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          if (i % 10 === 0) void smtpSend(svc.smtpPort, hangBox, `hang ${i}`).catch(() => {});
          sent.push(await smtpSend(svc.smtpPort, boxes[i % boxes.length], `load ${i}`));
        }
      }));
      const byId = () => new Map(rx.hits.map((h) => [h.headers['x-tempmail-event-id'] as string, h]));
      await eventually(async () => sent.every((s) => byId().has(s.id)), 20_000, 50);
      const map = byId();
      const latencies = sent.map((s) => map.get(s.id)!.at - s.t250);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      const max = Math.max(...latencies);
      t.diagnostic(`webhook latency 250 -> POST over ${total} messages (${concurrency} SMTP clients): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
      assert.ok(slow.hits.length > 0, 'the hanging receiver was tried');
      assert.ok(slow.hanging.max <= 4, `at most the per-webhook cap of requests hang at once (${slow.hanging.max})`);
    } finally {
      await slow.close();
    }
  });
});
