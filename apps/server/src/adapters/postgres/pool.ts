/**
 * Connection pools and small helpers shared by the PostgreSQL adapters. Table names are always
 * schema-qualified (no reliance on search_path, so PgBouncer in transaction mode works too).
 */
import pg from 'pg';

/** Called with a short description and the error when something fails in the background. */
export type PgErrorHandler = (what: string, err: Error) => void;

export interface PoolOptions {
  url: string;
  /** Most connections this pool opens (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity.application_name. */
  applicationName?: string;
  onError?: PgErrorHandler;
}

/**
 * A pool with bounded connects and an error listener on idle clients (without one, a server
 * restart would crash the process with an unhandled 'error' event).
 */
export function createPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'tempmail',
  });
  pool.on('error', (err) => opts.onError?.('postgres idle connection failed', err));
  return pool;
}

/** A schema name as a quoted identifier (names are validated by the config, quoted anyway). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs `fn` in one transaction on one pooled client; commits, or rolls back and rethrows. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is unusable: drop it from the pool
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** int8 and numeric come back from node-postgres as strings; the service's numbers are safe integers. */
export function num(value: string | number | null): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Like `num`, keeping null. */
export function numOrNull(value: string | number | null): number | null {
  return value === null ? null : num(value);
}
