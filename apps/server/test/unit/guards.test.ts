/** Guards: per-key and per-address rate limits with their headers, failed-lookup limits, serialisation, connection caps. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit-memory/memory-rate-limit.js';
import { AppError } from '../../src/domain/errors.js';
import type { ApiKeyRecord } from '../../src/domain/types.js';
import { Guards, KeyedSerializer, capConnectionsPerIp } from '../../src/http/guards.js';
import { createApiKey } from '../../src/keys/api-keys.js';
import type { ApiKeyStore } from '../../src/ports/store.js';

/** An in-memory key store that counts lookups and answers asynchronously, like a real one. */
function keyStore() {
  const byHash = new Map<string, ApiKeyRecord>();
  const store = {
    lookups: 0,
    async create(r: ApiKeyRecord) { byHash.set(r.hash.toString('hex'), r); },
    async findByHash(hash: Buffer) {
      store.lookups++;
      await new Promise((r) => setImmediate(r));
      return byHash.get(hash.toString('hex')) ?? null;
    },
    async list() { return [...byHash.values()]; },
    async revoke() { return false; },
    async setPlan() { return false; },
  };
  return store as typeof store & ApiKeyStore;
}

const config = { anonPerMinute: 3, freePerMinute: 20, premiumPerMinute: 100, failedAuthPerMinute: 5 };

/** Headers written by one guard call. */
const sink = () => {
  const h: Record<string, string> = {};
  return { h, set: (name: string, value: string) => { h[name] = value; } };
};

const code = (e: unknown) => (e instanceof AppError ? e.code : String(e));

describe('Guards.apiKey', () => {
  it('counts per key and plan, X-RateLimit-Remaining counting down', async () => {
    const keys = keyStore();
    const { key } = await createApiKey(keys, 'free');
    const { key: prem } = await createApiKey(keys, 'premium');
    const guards = new Guards(new MemoryRateLimitStore(), keys, config);
    for (let i = 0; i < 3; i++) {
      const s = sink();
      await guards.apiKey(key, '192.0.2.1', s.set);
      assert.equal(s.h['X-RateLimit-Limit'], '20');
      assert.equal(s.h['X-RateLimit-Remaining'], String(19 - i));
      assert.ok(Number(s.h['X-RateLimit-Reset']) >= 59 && Number(s.h['X-RateLimit-Reset']) <= 60);
    }
    const s = sink();
    await guards.apiKey(prem, '192.0.2.1', s.set);
    assert.deepEqual([s.h['X-RateLimit-Limit'], s.h['X-RateLimit-Remaining']], ['100', '99']);
  });

  it('50 parallel requests on a limit of 20: exactly 20 pass; the rest are 429 with Retry-After', async () => {
    const keys = keyStore();
    const { key } = await createApiKey(keys, 'free');
    const guards = new Guards(new MemoryRateLimitStore(), keys, config);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => {
      const s = sink();
      return guards.apiKey(key, '192.0.2.1', s.set).then(() => Number(s.h['X-RateLimit-Remaining']));
    }));
    const passed = results.filter((r): r is PromiseFulfilledResult<number> => r.status === 'fulfilled').map((r) => r.value);
    assert.deepEqual(passed.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as AppError);
    assert.equal(refused.length, 30);
    for (const e of refused) {
      assert.equal(e.code, 'rate_limited');
      assert.equal(e.status, 429);
      assert.ok(Number(e.headers['Retry-After']) >= 1);
    }
  });

  it('failed lookups: limit 5 per address, with headers; past it no lookup is made, not even for a valid key', async () => {
    const keys = keyStore();
    const { key } = await createApiKey(keys, 'free');
    const guards = new Guards(new MemoryRateLimitStore(), keys, config);
    for (let i = 0; i < 5; i++) {
      const s = sink();
      await assert.rejects(guards.apiKey(`wrong${i}`.padEnd(40, 'x'), '192.0.2.7', s.set), (e) => code(e) === 'unauthorized');
      assert.deepEqual([s.h['X-RateLimit-Limit'], s.h['X-RateLimit-Remaining']], ['5', String(4 - i)]);
    }
    const before = keys.lookups;
    const s = sink();
    await assert.rejects(guards.apiKey('wrong6'.padEnd(40, 'x'), '192.0.2.7', s.set), (e) => code(e) === 'rate_limited');
    assert.equal(s.h['X-RateLimit-Remaining'], '0');
    await assert.rejects(guards.apiKey(key, '192.0.2.7', () => {}), (e) => code(e) === 'rate_limited');
    assert.equal(keys.lookups, before, 'no lookup past the limit');
    await guards.apiKey(key, '192.0.2.8', () => {});
    await assert.rejects(guards.apiKey(null, '192.0.2.9', () => {}), (e) => code(e) === 'unauthorized');
  });

  it('failed lookups in parallel: exactly 5 answered 401, the rest 429', async () => {
    const keys = keyStore();
    const guards = new Guards(new MemoryRateLimitStore(), keys, config);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => guards.apiKey(`p${i}`.padEnd(40, 'z'), '192.0.2.10', () => {})));
    const codes = results.map((r) => code((r as PromiseRejectedResult).reason));
    assert.equal(codes.filter((c) => c === 'unauthorized').length, 5);
    assert.equal(codes.filter((c) => c === 'rate_limited').length, 15);
  });

  it('tells onAuthenticated about each key that passes (for the plan cache)', async () => {
    const keys = keyStore();
    const { key, record } = await createApiKey(keys, 'premium');
    const guards = new Guards(new MemoryRateLimitStore(), keys, config);
    const seen: string[] = [];
    guards.onAuthenticated = (r) => seen.push(`${r.id}:${r.plan}`);
    await guards.apiKey(key, '192.0.2.1', () => {});
    assert.deepEqual(seen, [`${record.id}:premium`]);
  });

  it('uses the configured window (TEMPMAIL_RATE_WINDOW_SECONDS)', async () => {
    const keys = keyStore();
    const { key } = await createApiKey(keys, 'free');
    const guards = new Guards(new MemoryRateLimitStore(), keys, { ...config, windowMs: 10_000 });
    const s = sink();
    await guards.apiKey(key, '192.0.2.1', s.set);
    assert.equal(s.h['X-RateLimit-Reset'], '10');
  });
});

describe('Guards.anonymous', () => {
  it('limits per client address; IPv6 counts per /64', async () => {
    const guards = new Guards(new MemoryRateLimitStore(), keyStore(), config);
    for (let i = 0; i < 3; i++) await guards.anonymous(`2001:db8:0:1::${i + 1}`, () => {});
    const s = sink();
    await assert.rejects(guards.anonymous('2001:db8:0:1::99', s.set), (e) => code(e) === 'rate_limited');
    assert.equal(s.h['X-RateLimit-Remaining'], '0');
    await guards.anonymous('2001:db8:0:2::1', () => {});
    await guards.anonymous('198.51.100.1', () => {});
  });

  it('TEMPMAIL_ANON_RATE=0: no limit and no headers', async () => {
    const guards = new Guards(new MemoryRateLimitStore(), keyStore(), { ...config, anonPerMinute: 0 });
    const s = sink();
    for (let i = 0; i < 100; i++) await guards.anonymous('198.51.100.1', s.set);
    assert.deepEqual(s.h, {});
  });
});

describe('KeyedSerializer', () => {
  it('runs one task at a time per key, keys in parallel, and goes on after a failure', async () => {
    const serial = new KeyedSerializer();
    let running = 0;
    let maxRunning = 0;
    const task = (fail = false) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (fail) throw new Error('boom');
      return 'ok';
    };
    const same = await Promise.allSettled([serial.run('a', task()), serial.run('a', task(true)), serial.run('a', task())]);
    assert.deepEqual(same.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(maxRunning, 1);
    maxRunning = 0;
    await Promise.all([serial.run('x', task()), serial.run('y', task())]);
    assert.equal(maxRunning, 2);
  });
});

describe('capConnectionsPerIp', () => {
  /**
   * A server with the cap, and an observer registered after it, so it sees each accepted socket
   * once the cap has decided (the cap destroys synchronously in its 'connection' listener) and
   * each close after the cap has counted it. The test waits for those events, not for time.
   */
  const listen = (max: number, exempt?: (ip: string) => boolean) => new Promise<{
    server: net.Server;
    /** Whether the server kept this client's connection (false: the cap destroyed it). */
    kept(client: net.Socket): Promise<boolean>;
    /** Resolves once the server has seen this client's connection close (and the cap has counted it). */
    closedOnServer(client: net.Socket): Promise<void>;
  }>((resolve) => {
    const server = net.createServer();
    capConnectionsPerIp(server, max, exempt);
    const accepted = new Map<number, net.Socket>();
    const waiting = new Map<number, (s: net.Socket) => void>();
    server.on('connection', (socket) => {
      const port = socket.remotePort!;
      accepted.set(port, socket);
      waiting.get(port)?.(socket);
    });
    const serverSide = (client: net.Socket) => new Promise<net.Socket>((found) => {
      const port = localPorts.get(client)!;
      const s = accepted.get(port);
      if (s) found(s);
      else waiting.set(port, found);
    });
    server.listen(0, '127.0.0.1', () => resolve({
      server,
      kept: async (client) => !(await serverSide(client)).destroyed,
      closedOnServer: async (client) => {
        const s = await serverSide(client);
        if (!s.closed) await new Promise((r) => s.once('close', r));
      },
    }));
  });
  /** Each client's own port, read at connect (a closed socket no longer knows it): the server's key for it. */
  const localPorts = new WeakMap<net.Socket, number>();
  const connect = (server: net.Server, localAddress: string) => new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', localAddress });
    s.once('connect', () => { localPorts.set(s, s.localPort!); resolve(s); });
    s.once('error', reject);
  });
  const closed = (s: net.Socket) => new Promise<void>((resolve) => {
    s.on('error', () => {});
    if (s.closed) resolve();
    else s.once('close', () => resolve());
  });

  it('destroys connections over the cap, per address; a closed one frees its slot; exempt peers are not counted', async () => {
    const { server, kept, closedOnServer } = await listen(2, (ip) => ip === '127.0.0.99');
    const a = await connect(server, '127.0.0.90');
    const b = await connect(server, '127.0.0.90');
    assert.deepEqual([await kept(a), await kept(b)], [true, true]);
    const c = await connect(server, '127.0.0.90');
    assert.equal(await kept(c), false);
    await closed(c); // and the client sees it go
    const other = await connect(server, '127.0.0.91');
    assert.equal(await kept(other), true);
    a.destroy();
    await closedOnServer(a);
    const d = await connect(server, '127.0.0.90');
    assert.equal(await kept(d), true);
    const proxies = await Promise.all([1, 2, 3, 4].map(() => connect(server, '127.0.0.99')));
    assert.deepEqual(await Promise.all(proxies.map(kept)), [true, true, true, true]);
    for (const s of [b, d, other, ...proxies]) s.destroy();
    await new Promise((r) => server.close(r));
  });
});
