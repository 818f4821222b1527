/**
 * Redis going away under two nodes, with a PostgreSQL and a Redis of the test's own
 * (helpers/own-services.ts): WebSockets stay open and keep getting their own node's mail, are
 * told `feed.interrupted`, and after the outage get every message they missed and
 * `feed.resumed`; /readyz answers 503 while Redis is down or frozen and 200 again after; rate
 * limited API calls keep answering (counted per node) instead of failing or hanging.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { ServiceUnavailable, skipOrFail } from '../contract/services.js';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { type OwnPostgres, type OwnRedis, startOwnPostgres, startOwnRedis } from '../helpers/own-services.js';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const DOMAIN = 'redis-fault.test';

interface Frame { event: string; id?: string; email?: string }

/** A WebSocket that records every frame it receives. */
async function watch(url: string): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

/** Sends one message and returns its id from the 250 reply. */
async function send(port: number, to: string, subject: string): Promise<string> {
  const { response } = await sendMail(port, { to, subject, text: 'redis fault test' });
  const id = /queued as (\S+)/.exec(response)?.[1];
  assert.ok(id, response);
  return id;
}

describe('Redis going away', () => {
  let pg: OwnPostgres | null = null;
  let redis: OwnRedis | null = null;
  let a: ServiceHandle | null = null;
  let b: ServiceHandle | null = null;
  let unavailable = '';
  const sockets: WebSocket[] = [];

  before(async () => {
    try {
      [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
      TEMPMAIL_DOMAINS: DOMAIN,
      TEMPMAIL_ANON_RATE: '100000', // rate limits on, far from their limit: every request hits Redis
      TEMPMAIL_REDIS_COMMAND_TIMEOUT_MS: '1000',
      TEMPMAIL_READY_TIMEOUT_MS: '1000',
      TEMPMAIL_PARSE_WORKERS: '1',
    };
    // One at a time: the first migrates the schema.
    a = await startService(env);
    b = await startService(env);
  });

  after(async () => {
    for (const ws of sockets) ws.terminate();
    redis?.thaw();
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([pg?.remove(), redis?.remove()]);
  });

  const readyStatus = async (svc: ServiceHandle) => (await http(`${svc.httpUrl}/readyz`)).status;
  const newBox = async (svc: ServiceHandle) => {
    const res = await http<{ email: string; token: string }>(`${svc.httpUrl}/api/generate_email.php`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const wsUrl = (svc: ServiceHandle, box: { email: string; token: string }) =>
    `${svc.httpUrl.replace('http', 'ws')}/ws?${qs({ email: box.email, token: box.token })}`;

  it('killed: sockets stay open with local mail, are told, and catch up on every missed message', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const box = await newBox(a!);
    const { ws, frames } = await watch(wsUrl(b!, box));
    sockets.push(ws);
    const has = (pred: (f: Frame) => boolean) => async () => frames.some(pred);
    // Live through Redis first: mail accepted by A reaches B's socket.
    const before = await send(a!.smtpPort, box.email, 'before');
    await eventually(has((f) => f.id === before), 30_000);

    await redis!.kill();
    await eventually(has((f) => f.event === 'feed.interrupted'), 30_000);
    assert.equal(ws.readyState, WebSocket.OPEN);
    // A program waiting with the TypeScript SDK over B's WebSocket, from inside the outage: it
    // must end with the message A accepts meanwhile (caught up, or listed again on feed.resumed).
    const sdk = await import(pathToFileURL(path.join(REPO_ROOT, 'packages/sdk/dist/index.js')).href);
    const anon = new sdk.AnonymousTempMail({ baseUrl: b!.httpUrl, WebSocket });
    const sdkWait: Promise<{ id: string }> = anon.waitForMessage(box, {
      transport: 'websocket', timeout: 180_000, predicate: (m: { subject: string }) => m.subject === 'remote during outage',
    });
    await eventually(async () => (await readyStatus(b!)) === 503, 30_000);
    // B's own mail still reaches B's socket; A's is missed for now.
    const local = await send(b!.smtpPort, box.email, 'local during outage');
    await eventually(has((f) => f.id === local), 30_000);
    const missed = await send(a!.smtpPort, box.email, 'remote during outage');
    // The API keeps answering, rate limits counted per node.
    const inbox = await http<unknown[]>(`${b!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
    assert.equal(inbox.status, 200, JSON.stringify(inbox.body));
    assert.ok(inbox.headers.get('x-ratelimit-limit'));

    await redis!.start();
    await eventually(has((f) => f.event === 'feed.resumed'), 60_000);
    assert.ok(frames.some((f) => f.id === missed), `the message missed during the outage was caught up: ${JSON.stringify(frames)}`);
    const resumedAt = frames.findIndex((f) => f.event === 'feed.resumed');
    assert.ok(frames.findIndex((f) => f.id === missed) < resumedAt, 'caught-up events come before feed.resumed');
    assert.equal((await sdkWait).id, missed, 'the SDK\'s wait ends with the message missed during the outage');
    await eventually(async () => (await readyStatus(b!)) === 200, 60_000);
    // Live through Redis again.
    const afterwards = await send(a!.smtpPort, box.email, 'after');
    await eventually(has((f) => f.id === afterwards), 30_000);
    assert.equal(frames.filter((f) => f.event === 'message.received' && f.id === afterwards).length, 1);
    assert.equal(a!.process.exitCode, null);
    assert.equal(b!.process.exitCode, null);
  });

  it('frozen (SIGSTOP): /readyz 503 within seconds, the API answers, sockets told; all recover on SIGCONT', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const box = await newBox(b!);
    const { ws, frames } = await watch(wsUrl(b!, box));
    sockets.push(ws);
    redis!.freeze();
    const frozenAt = Date.now();
    try {
      await eventually(async () => (await readyStatus(b!)) === 503, 30_000);
      t.diagnostic(`/readyz 503 ${Date.now() - frozenAt} ms after SIGSTOP (measured, not asserted)`);
      const res = await http(`${b!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await eventually(async () => frames.some((f) => f.event === 'feed.interrupted'), 30_000);
      t.diagnostic(`feed.interrupted ${Date.now() - frozenAt} ms after SIGSTOP`);
    } finally {
      redis!.thaw();
    }
    const thawedAt = Date.now();
    await eventually(async () => frames.some((f) => f.event === 'feed.resumed'), 60_000);
    t.diagnostic(`feed.resumed ${Date.now() - thawedAt} ms after SIGCONT`);
    await eventually(async () => (await readyStatus(b!)) === 200, 60_000);
    const id = await send(a!.smtpPort, box.email, 'after thaw');
    await eventually(async () => frames.some((f) => f.id === id), 30_000);
  });
});
