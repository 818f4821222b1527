/**
 * Which failures are temporary: the storage or a needed service (PostgreSQL, Redis, SQLite's
 * lock) is away, restarting, overloaded or slow, and the same request may well succeed in a
 * moment. SMTP answers those with 451 4.3.0 and HTTP with 503 + Retry-After; only a permanent
 * cause earns a 5xx bounce. Recognised by error codes first (Node's socket codes, PostgreSQL
 * SQLSTATEs, SQLite's), then by the few messages node-postgres and ioredis give without a code.
 */

/** Socket and DNS codes of a service that cannot be reached right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN',
  'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTCONN',
]);

/**
 * PostgreSQL SQLSTATEs: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
 * 57014 query_canceled (statement_timeout), 55P03 lock_not_available (lock_timeout),
 * 40001 serialization_failure, 40P01 deadlock_detected. Whole classes: 08 connection exception,
 * 53 insufficient resources (too many connections, disk full, out of memory).
 */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '40001', '40P01']);
const PG_CLASSES = ['08', '53'];

/** SQLite: another writer holds the lock, or the disk is momentarily full. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR']);

/** Messages without a code: node-postgres (lost or slow connections) and ioredis (timeouts, retries). */
const TEMPORARY_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  /^Command timed out/,
  /^Reached the max retries per request limit/,
  /^Connection is closed/,
  /^Stream isn't writeable/,
  /did not become ready within/,
];

/** Error names that always mean "try again" (ioredis's, and ours below). */
const TEMPORARY_NAMES = new Set(['MaxRetriesPerRequestError', 'DependencyTimeout']);

/** Thrown when a dependency did not answer within its time limit. */
export class DependencyTimeout extends Error {
  override name = 'DependencyTimeout';
  readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

/** True when `err` (or an error it wraps) is a temporary failure of storage or a needed service. */
export function isTemporaryFailure(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || PG_CODES.has(code) || SQLITE_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && PG_CLASSES.includes(code.slice(0, 2))) return true;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_IOERR')) return true;
  }
  if (TEMPORARY_NAMES.has(err.name)) return true;
  if (TEMPORARY_MESSAGES.some((re) => re.test(err.message))) return true;
  // Wrapped causes: AggregateError (a host with several addresses) and `cause`.
  const inner = [...(err instanceof AggregateError ? err.errors : []), err.cause];
  return inner.some((e) => isTemporaryFailure(e, depth + 1));
}

/**
 * Races `promise` against a timer: rejects with DependencyTimeout after `ms` (the work itself
 * goes on; callers use this only where the dependency has its own limit too, or for probes).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeout(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
