/**
 * HTTP and WebSocket limits over real sockets: per-key rate limits with counting-down headers
 * (exact under 50 parallel requests), headers on 401/404, failed key lookups per address,
 * anonymous limits per address (and TEMPMAIL_ANON_RATE=0), X-Forwarded-For only from trusted
 * proxies, plan limits, body and query size, WebSocket frame size and idle time, connections
 * per address.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, http, qs } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { type Answer, call } from './limits-helpers.js';

const rl = (a: Answer) => ({
  limit: Number(a.headers['x-ratelimit-limit']),
  remaining: Number(a.headers['x-ratelimit-remaining']),
  reset: Number(a.headers['x-ratelimit-reset']),
});

/** Opens a WebSocket; resolves with it once open, or with the HTTP status that refused it. */
function openWs(url: string, opts: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket) => new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));

describe('HTTP limits', () => {
  let svc: ServiceHandle;
  let premium: string;
  before(async () => {
    svc = await startService({
      TEMPMAIL_RATE_FREE: '20',
      TEMPMAIL_RATE_PREMIUM: '1000',
      TEMPMAIL_FAILED_AUTH_RATE: '5',
      TEMPMAIL_ANON_RATE: '10',
      TEMPMAIL_ANON_MAILBOXES_PER_IP: '3',
      TEMPMAIL_HTTP_BODY_LIMIT: '2048',
      TEMPMAIL_HTTP_MAX_QUERY_BYTES: '1024',
      TEMPMAIL_WS_MAX_FRAME_BYTES: '256',
      // Long enough that a test process stalled by a busy machine still answers pings in time.
      TEMPMAIL_WS_IDLE_MS: '5000',
      TEMPMAIL_WS_HEARTBEAT_MS: '1000',
      TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP: '20',
      TEMPMAIL_TRUST_PROXY: '127.0.0.9',
      TEMPMAIL_FREE_MAX_MAILBOXES: '2',
      TEMPMAIL_FREE_MAX_TTL_SECONDS: '120',
      TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS: '3000',
    });
    premium = await createKey(svc, 'premium');
  });
  after(async () => { await svc.stop(); });

  const v1 = (path: string, params: Record<string, string | number>) => `${svc.httpUrl}/v1/${path}?${qs(params)}`;

  it('50 parallel /v1 requests at the limit: exactly the limit is served, X-RateLimit-Remaining counts down, the rest get 429 + Retry-After', async () => {
    const key = await createKey(svc, 'free');
    const gen = await call(v1('generate_email.php', { key }));
    assert.equal(gen.status, 200);
    assert.deepEqual(rl(gen), { limit: 20, remaining: 19, reset: rl(gen).reset });
    assert.ok(rl(gen).reset >= 1 && rl(gen).reset <= 60);
    // From 50 different addresses: the limit is the key's, whatever the address.
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      call(v1('inbox.php', { key, email: gen.body.email }), { localAddress: `127.0.2.${i + 1}` })));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(ok.length, 19);
    assert.equal(refused.length, 31);
    assert.deepEqual(ok.map((a) => rl(a).remaining).sort((a, b) => a - b), Array.from({ length: 19 }, (_, i) => i));
    for (const a of refused) {
      assert.equal(rl(a).limit, 20);
      assert.equal(rl(a).remaining, 0);
      assert.ok(Number(a.headers['retry-after']) >= 1, 'Retry-After');
      assert.equal(a.body.error.code, 'rate_limited');
    }
  });

  it('X-RateLimit-* also on 404 answers of a valid key, and on 401 (the failed-lookup counter)', async () => {
    const notMine = await call(v1('inbox.php', { key: premium, email: 'nobody@tempmail.local' }));
    assert.equal(notMine.status, 404);
    assert.equal(rl(notMine).limit, 1000);
    const noRoute = await call(v1('nothing-here.php', { key: premium }));
    assert.equal(noRoute.status, 404);
    assert.equal(rl(noRoute).limit, 1000);
    assert.ok(rl(noRoute).remaining < rl(notMine).remaining);
    const bad = await call(v1('inbox.php', { key: 'x'.repeat(40), email: 'a@tempmail.local' }), { localAddress: '127.0.0.30' });
    assert.equal(bad.status, 401);
    assert.deepEqual([rl(bad).limit, rl(bad).remaining], [5, 4]);
  });

  it('failed key lookups are limited per address (TEMPMAIL_FAILED_AUTH_RATE), exactly also in parallel; then even a valid key waits', async () => {
    const from = { localAddress: '127.0.0.40' };
    for (let i = 0; i < 5; i++) {
      const a = await call(v1('inbox.php', { key: `guess${i}${'x'.repeat(30)}`, email: 'a@tempmail.local' }), from);
      assert.equal(a.status, 401);
      assert.equal(rl(a).remaining, 4 - i);
    }
    const sixth = await call(v1('inbox.php', { key: 'guess6'.padEnd(40, 'x'), email: 'a@tempmail.local' }), from);
    assert.equal(sixth.status, 429);
    assert.ok(Number(sixth.headers['retry-after']) >= 1);
    assert.equal((await call(v1('generate_email.php', { key: premium }), from)).status, 429, 'no lookup at all past the limit');
    assert.equal((await call(v1('generate_email.php', { key: premium }), { localAddress: '127.0.0.41' })).status, 200);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(v1('inbox.php', { key: `burst${i}`.padEnd(40, 'y'), email: 'a@tempmail.local' }), { localAddress: '127.0.0.42' })));
    assert.equal(burst.filter((a) => a.status === 401).length, 5);
    assert.equal(burst.filter((a) => a.status === 429).length, 15);
  });

  it('anonymous /api calls and WebSocket connects are limited per client address (TEMPMAIL_ANON_RATE)', async () => {
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await call(`${svc.httpUrl}/api/inbox.php?${qs({ email: 'a@tempmail.local', token: 'nope' })}`, { localAddress: '127.0.0.50' }));
    assert.deepEqual(answers.map((a) => a.status), [...Array(10).fill(404), 429, 429]);
    assert.deepEqual(answers.slice(0, 10).map((a) => rl(a).remaining), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    assert.ok(Number(answers[10].headers['retry-after']) >= 1);

    const box = (await call(`${svc.httpUrl}/api/generate_email.php`, { localAddress: '127.0.0.52' })).body;
    const url = `${svc.httpUrl.replace('http', 'ws')}/ws?${qs(box)}`;
    const sockets = [];
    for (let i = 0; i < 10; i++) {
      const ws = await openWs(url, { localAddress: '127.0.0.51' });
      assert.ok(ws instanceof WebSocket, `connect ${i}: ${String(ws)}`);
      sockets.push(ws);
    }
    assert.equal(await openWs(url, { localAddress: '127.0.0.51' }), 429);
    for (const ws of sockets) ws.close();
  });

  it('live anonymous mailboxes per address (TEMPMAIL_ANON_MAILBOXES_PER_IP), exact under parallel calls', async () => {
    const one = await Promise.all(Array.from({ length: 8 }, () => call(`${svc.httpUrl}/api/generate_email.php`, { localAddress: '127.0.0.53' })));
    assert.equal(one.filter((a) => a.status === 200).length, 3);
    assert.equal(one.filter((a) => a.status === 429).length, 5);
    // Retry-After says when a place frees up (the soonest expiry), a minute at most.
    for (const a of one.filter((x) => x.status === 429)) {
      const wait = Number(a.headers['retry-after']);
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    }
  });

  it('X-Forwarded-For counts only from TEMPMAIL_TRUST_PROXY peers', async () => {
    const viaProxy = (client: string) => call(`${svc.httpUrl}/api/inbox.php?${qs({ email: 'a@tempmail.local', token: 'x' })}`, {
      localAddress: '127.0.0.9', headers: { 'x-forwarded-for': `198.51.100.7, ${client}` },
    });
    for (let i = 0; i < 10; i++) assert.equal((await viaProxy('203.0.113.5')).status, 404);
    assert.equal((await viaProxy('203.0.113.5')).status, 429, 'the client behind the proxy is limited');
    assert.equal((await viaProxy('203.0.113.6')).status, 404, 'another client behind the same proxy is not');
    const spoofed = [];
    for (let i = 0; i < 11; i++) {
      spoofed.push((await call(`${svc.httpUrl}/api/inbox.php?${qs({ email: 'a@tempmail.local', token: 'x' })}`, {
        localAddress: '127.0.0.60', headers: { 'x-forwarded-for': `203.0.113.${100 + i}` },
      })).status);
    }
    assert.equal(spoofed[10], 429, 'an untrusted peer cannot pick its address with X-Forwarded-For');
  });

  it('plan limits: live mailboxes (403 past it) and maximum TTL (400 past it) from configuration', async () => {
    const free = await createKey(svc, 'free');
    assert.equal((await call(v1('generate_email.php', { key: free, ttl: 121 }))).status, 400);
    assert.equal((await call(v1('generate_email.php', { key: free, ttl: 120 }))).status, 200);
    assert.equal((await call(v1('generate_email.php', { key: free }))).status, 200);
    const third = await call(v1('generate_email.php', { key: free }));
    assert.equal(third.status, 403);
    assert.ok(rl(third).limit === 20, 'a 403 carries the rate headers too');
    assert.equal((await call(v1('generate_email.php', { key: premium, ttl: 3600 }))).status, 200);
  });

  it('request body over TEMPMAIL_HTTP_BODY_LIMIT: 413; query over TEMPMAIL_HTTP_MAX_QUERY_BYTES: 414', async () => {
    const big = `email=a%40tempmail.local&token=${'t'.repeat(4000)}`;
    const a = await call(`${svc.httpUrl}/api/delete.php`, {
      method: 'POST', localAddress: '127.0.0.80', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(a.status, 413);
    assert.equal(a.body.error.code, 'too_large');
    const keyed = await call(`${svc.httpUrl}/v1/delete.php?${qs({ key: premium })}`, {
      method: 'POST', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(keyed.status, 413);
    assert.equal(rl(keyed).limit, 1000, '/v1 413 carries the rate headers (key in the query)');
    const long = await call(`${svc.httpUrl}/api/inbox.php?email=a&token=${'q'.repeat(1100)}`, { localAddress: '127.0.0.81' });
    assert.equal(long.status, 414);
  });

  it('WebSocket frames over TEMPMAIL_WS_MAX_FRAME_BYTES close the socket (1009); silent peers go after TEMPMAIL_WS_IDLE_MS', async () => {
    const email = (await call(v1('generate_email.php', { key: premium }))).body.email;
    const url = `${svc.httpUrl.replace('http', 'ws')}/v1/ws?${qs({ key: premium, email })}`;
    const small = await openWs(url);
    assert.ok(small instanceof WebSocket);
    small.send('x'.repeat(100));
    const big = await openWs(url);
    assert.ok(big instanceof WebSocket);
    const bigClosed = closed(big);
    big.send('x'.repeat(1024));
    assert.equal((await bigClosed).code, 1009);

    const silent = await openWs(url, { autoPong: false });
    assert.ok(silent instanceof WebSocket);
    const opened = Date.now();
    const { at } = await closed(silent);
    console.log(`# silent socket dropped after ${at - opened} ms`);
    assert.equal(small.readyState, WebSocket.OPEN, 'a socket that answers pings stays');
    small.close();
  });

  it('TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS: a slow request gets 408, a silent connection is closed; WebSockets are not affected', async () => {
    const started = Date.now();
    const slow = net.connect({ port: svc.httpPort, host: '127.0.0.1', localAddress: '127.0.0.90' });
    let answer = '';
    slow.on('data', (d) => { answer += d.toString(); });
    slow.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.write('X-Drip: 1\r\n'), 300);
    const silent = net.connect({ port: svc.httpPort, host: '127.0.0.1', localAddress: '127.0.0.91' });
    const email = (await call(v1('generate_email.php', { key: premium }))).body.email;
    const ws = await openWs(`${svc.httpUrl.replace('http', 'ws')}/v1/ws?${qs({ key: premium, email })}`);
    assert.ok(ws instanceof WebSocket);
    const [slowAt, silentAt] = await Promise.all([slow, silent].map((s) => new Promise<number>((r) => s.once('close', () => r(Date.now() - started)))));
    clearInterval(drip);
    assert.match(answer, /^HTTP\/1\.1 408/);
    for (const at of [slowAt, silentAt]) assert.ok(at >= 2500, `closed after ${at} ms, before the timeout`);
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close();
  });
});

describe('HTTP limits: TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP', () => {
  // A service of its own: the held connections are silent, and the request timeout above (3 s,
  // for the 408 test) would close them if a busy machine made this test slow.
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({
      TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP: '20',
      TEMPMAIL_TRUST_PROXY: '127.0.0.9',
      TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS: '600000',
    });
  });
  after(async () => { await svc.stop(); });

  it('the 21st connection from one address is dropped; a closed one frees its slot; trusted proxies are exempt', async () => {
    const connect = (localAddress: string) => new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port: svc.httpPort, host: '127.0.0.1', localAddress });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const dropped = (s: net.Socket) => new Promise<true>((resolve) => {
      s.on('error', () => {});
      if (s.closed) resolve(true);
      else s.once('close', () => resolve(true));
    });
    // Kept means served: a request on it gets its answer (a dropped one closes instead). No timer.
    const served = (s: net.Socket) => new Promise<boolean>((resolve) => {
      let answer = '';
      const onData = (d: Buffer) => {
        answer += d.toString();
        if (answer.includes('\r\n\r\n')) { s.off('data', onData); resolve(/^HTTP\/1\.1 200/.test(answer)); }
      };
      s.on('data', onData);
      s.on('error', () => {});
      s.once('close', () => resolve(false));
      s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    const held = [];
    for (let i = 0; i < 20; i++) held.push(await connect('127.0.0.70'));
    const extra = await connect('127.0.0.70');
    assert.equal(await dropped(extra), true);
    for (const s of held.slice(0, 3)) assert.equal(await served(s), true);
    const other = await call(`${svc.httpUrl}/healthz`, { localAddress: '127.0.0.71' });
    assert.equal(other.status, 200);
    held.pop()!.destroy();
    // The server frees the slot when it sees the close, a moment later: wait for that.
    const again = await eventually(async () => {
      const s = await connect('127.0.0.70');
      if (await served(s)) return s;
      s.destroy();
      return null;
    });
    const proxied = [];
    for (let i = 0; i < 25; i++) proxied.push(await connect('127.0.0.9'));
    assert.equal(await served(proxied[24]), true);
    for (const s of [...held, again, ...proxied]) s.destroy();
  });
});

describe('HTTP limits: TEMPMAIL_ANON_RATE=0', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_ANON_RATE: '0' }); });
  after(async () => { await svc.stop(); });

  it('turns off the per-address rate and the live-mailbox cap together', async () => {
    for (let i = 0; i < 40; i++) {
      const a = await http(`${svc.httpUrl}/api/generate_email.php`);
      assert.equal(a.status, 200);
      assert.equal(a.headers.get('x-ratelimit-limit'), null);
    }
  });
});
