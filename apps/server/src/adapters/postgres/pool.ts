/**
 * Connection pools and small helpers shared by the PostgreSQL adapters. Table names are always
 * schema-qualified (no reliance on search_path, so PgBouncer in transaction mode works too).
 */
import pg from 'pg';
import { isTemporaryFailure } from '../../domain/temporary-failure.js';

/** Called with a short description and the error when something fails in the background. */
export type PgErrorHandler = (what: string, err: Error) => void;

export interface PoolOptions {
  url: string;
  /** Most connections this pool opens (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity.application_name. */
  applicationName?: string;
  onError?: PgErrorHandler;
  /** Opening a connection or waiting for a free one (default 5 s). */
  connectTimeoutMs?: number;
  /** One statement: statement_timeout on the server and a read timeout here (default 10 s). */
  queryTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/**
 * A pool whose calls all end in bounded time: connects and waits for a free connection time
 * out, and each statement too, on the server (statement_timeout, a stuck query is cancelled)
 * and in the client (query_timeout, for a server that is frozen or unreachable: no answer
 * ever comes). Every connection gets an 'error' listener for its whole life, checked out or
 * idle: node-postgres emits 'error' on a client whose server goes away, and one without a
 * listener (a client inside a transaction, say) would end the process.
 */
export function createPool(opts: PoolOptions): pg.Pool {
  const queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: queryTimeoutMs,
    query_timeout: queryTimeoutMs + 1000, // the server's cancel normally comes first
    keepAlive: true,
    application_name: opts.applicationName ?? 'tempmail',
  });
  pool.on('error', (err) => opts.onError?.('postgres idle connection failed', err));
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.onError?.('postgres connection failed', err));
  });
  return pool;
}

/** A schema name as a quoted identifier (names are validated by the config, quoted anyway). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Runs `fn` in one transaction on one pooled client; commits, or rolls back and rethrows. A
 * temporary failure the server did not report (no SQLSTATE: the connection broke, or a read
 * timed out on a frozen server) leaves the connection unusable: it is dropped without a
 * ROLLBACK that could only wait in vain (the server rolls back when the connection closes).
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (isTemporaryFailure(err) && !hasSqlState(err)) {
      broken = true;
      throw err;
    }
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

/** True for an error PostgreSQL itself reported (it carries a five-character SQLSTATE). */
function hasSqlState(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** int8 and numeric come back from node-postgres as strings; the service's numbers are safe integers. */
export function num(value: string | number | null): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Like `num`, keeping null. */
export function numOrNull(value: string | number | null): number | null {
  return value === null ? null : num(value);
}
