/**
 * Which failures count as temporary (domain/temporary-failure.ts), checked on real errors from
 * real clients: a refused PostgreSQL connection, a statement cancelled by statement_timeout, a
 * Redis command on a server that never answers; against permanent ones (a SQL syntax error, a
 * bug). And the rate-limit fallback: per-node counting while Redis fails, back to Redis after.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { FallbackRateLimitStore } from '../../src/adapters/ratelimit-fallback/fallback-rate-limit.js';
import { RedisRateLimitStore } from '../../src/adapters/redis/rate-limit.js';
import { AppError } from '../../src/domain/errors.js';
import { DependencyTimeout, isTemporaryFailure, withTimeout } from '../../src/domain/temporary-failure.js';
import { requirePostgres, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL } from '../contract/services.js';
import { startOwnRedis } from '../helpers/own-services.js';
import { freePort } from '../helpers/service.js';

/** A TCP server that accepts connections and never answers (a frozen service). */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { port, server, sockets };
}

describe('isTemporaryFailure', () => {
  const silent: Array<Awaited<ReturnType<typeof silentServer>>> = [];
  after(() => {
    for (const s of silent) {
      for (const socket of s.sockets) socket.destroy();
      s.server.close();
    }
  });

  it('a refused PostgreSQL connection is temporary', async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/x`, connectionTimeoutMillis: 5000 });
    const err = await client.connect().then(() => null, (e: Error) => e);
    assert.ok(err);
    assert.equal(isTemporaryFailure(err), true, `${err.message} (${(err as { code?: string }).code})`);
  });

  it('a statement cancelled by statement_timeout is temporary; a syntax error is not', async (t) => {
    try {
      await requirePostgres();
    } catch (err) {
      if (err instanceof ServiceUnavailable) return skipOrFail(t, err.message);
      throw err;
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, statement_timeout: 50 });
    await client.connect();
    try {
      const cancelled = await client.query('SELECT pg_sleep(5)').then(() => null, (e: Error) => e);
      assert.equal((cancelled as { code?: string } | null)?.code, '57014');
      assert.equal(isTemporaryFailure(cancelled), true);
      const syntax = await client.query('SELEKT 1').then(() => null, (e: Error) => e);
      assert.equal((syntax as { code?: string } | null)?.code, '42601');
      assert.equal(isTemporaryFailure(syntax), false);
    } finally {
      await client.end();
    }
  });

  it('a Redis command on a server that never answers times out as temporary', async () => {
    const s = await silentServer();
    silent.push(s);
    const redis = new Redis({ port: s.port, host: '127.0.0.1', commandTimeout: 200, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      const err = await redis.get('k').then(() => null, (e: Error) => e);
      assert.ok(err);
      assert.equal(isTemporaryFailure(err), true, err.message);
    } finally {
      redis.disconnect();
    }
  });

  it('our own time limit and wrapped causes are temporary; bugs and refusals are not', async () => {
    const timedOut = await withTimeout(new Promise(() => {}), 10, 'probe').then(() => null, (e: Error) => e);
    assert.ok(timedOut instanceof DependencyTimeout);
    assert.equal(isTemporaryFailure(timedOut), true);
    assert.equal(isTemporaryFailure(new Error('wrapped', { cause: timedOut })), true);
    assert.equal(isTemporaryFailure(new TypeError('x is undefined')), false);
    assert.equal(isTemporaryFailure(new AppError('not_found', 'No such mailbox.')), false);
    assert.equal(isTemporaryFailure('ECONNREFUSED'), false);
  });
});

describe('FallbackRateLimitStore', () => {
  it('counts per node while Redis is down, and in Redis again once it is back', async (t) => {
    let redis;
    try {
      redis = await startOwnRedis();
    } catch (err) {
      if (err instanceof ServiceUnavailable) return skipOrFail(t, err.message);
      throw err;
    }
    const switches: boolean[] = [];
    const primary = new RedisRateLimitStore(redis.url, { prefix: `tempmail-test-${randomBytes(4).toString('hex')}:`, commandTimeoutMs: 500 });
    const limits = new FallbackRateLimitStore(primary, { retryPrimaryAfterMs: 0, onSwitch: (local) => switches.push(local) });
    try {
      assert.equal((await limits.hit('k', 2, 60_000)).remaining, 1);
      await redis.kill();
      const outage = [await limits.hit('k', 2, 60_000), await limits.hit('k', 2, 60_000), await limits.hit('k', 2, 60_000)];
      assert.deepEqual(outage.map((d) => d.allowed), [true, true, false], 'counted from zero in memory, limit enforced');
      assert.equal(limits.degraded, true);
      await redis.start();
      let back = await limits.hit('other', 5, 60_000);
      // Until Redis is back in use (its restart and the reconnect take what the machine gives them).
      for (const until = Date.now() + 120_000; limits.degraded && Date.now() < until;) {
        await new Promise((r) => setTimeout(r, 50));
        back = await limits.hit('other', 5, 60_000);
      }
      assert.equal(limits.degraded, false);
      assert.equal(back.allowed, true);
      assert.deepEqual(switches, [true, false]);
      await assert.rejects(limits.hit('k', 2, 60_000, -1), RangeError, 'a bug is not hidden by the fallback');
    } finally {
      await limits.close();
      await redis.remove();
    }
  });
});
