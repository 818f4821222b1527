/**
 * PostgreSQL and Redis for tests: where they are (TEMPMAIL_TEST_DATABASE_URL /
 * TEMPMAIL_TEST_REDIS_URL, defaulting to the local ones scripts/test.sh uses), whether they answer,
 * unique schemas and key prefixes per run, and the skip-or-fail rule: when a service is absent a
 * test skips loudly, unless CI=true, where it fails.
 */
import { randomBytes } from 'node:crypto';
import { after, before, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEMPMAIL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEMPMAIL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Thrown by fixtures when their service cannot be reached. */
export class ServiceUnavailable extends Error {
  override name = 'ServiceUnavailable';
}

/** Skips the test with a loud message, or fails it when CI=true. */
export function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: this service is required)`);
  process.stderr.write(`\n!!!!! SKIPPED: ${reason} !!!!!\n\n`);
  t.skip(`SKIPPED: ${reason}`);
}

/** A fresh name for this run: lower case, safe as a PostgreSQL schema or a Redis prefix part. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
}

/** Throws ServiceUnavailable unless PostgreSQL answers within a few seconds. */
export async function requirePostgres(url = TEST_DATABASE_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new ServiceUnavailable(`PostgreSQL at ${redactUrl(url)} is unreachable (${(err as Error).message}); set TEMPMAIL_TEST_DATABASE_URL`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Throws ServiceUnavailable unless Redis answers PING within a few seconds. */
export async function requireRedis(url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new ServiceUnavailable(`Redis at ${redactUrl(url)} is unreachable (${(err as Error).message}); set TEMPMAIL_TEST_REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}

/** Drops test schemas (with everything in them). */
export async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) {
      if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a test schema name: ${s}`);
      await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    }
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under `prefix` (a test run's own). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  if (!prefix.startsWith('tempmail-test')) throw new Error(`refusing to delete keys outside test prefixes: ${prefix}`);
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Opens one fixture for the enclosing suite (closed after it) and returns a `test` that runs
 * a case with it, or skips it (fails it on CI) when the backend is absent.
 */
export function suiteFixture<F extends { close(): Promise<void> }>(name: string, factory: () => Promise<F>) {
  let fx: F | null = null;
  let unavailable = '';
  before(async () => {
    try {
      fx = await factory();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
    }
  });
  after(async () => {
    await fx?.close();
  });
  return (title: string, fn: (f: F, t: TestContext) => Promise<void>) =>
    it(title, async (t) => {
      if (!fx) return skipOrFail(t, unavailable || `${name} is unavailable`);
      await fn(fx, t);
    });
}

/**
 * Returns a `test` whose every case opens a fresh fixture and closes it after, or skips
 * (fails on CI) when the backend is absent; once it was found absent, later cases skip at once.
 */
export function caseFixture<F extends { close(): Promise<void> }>(factory: () => Promise<F>) {
  let unavailable = '';
  return (title: string, fn: (f: F) => Promise<void>) =>
    it(title, async (t) => {
      if (unavailable) return skipOrFail(t, unavailable);
      let fx: F;
      try {
        fx = await factory();
      } catch (err) {
        if (!(err instanceof ServiceUnavailable)) throw err;
        unavailable = err.message;
        return skipOrFail(t, unavailable);
      }
      try {
        await fn(fx);
      } finally {
        await fx.close();
      }
    });
}
