/**
 * ioredis connections for the Redis adapters: a time limit on every command and on connecting
 * (a request fails in seconds rather than hanging while Redis is away or frozen), bounded
 * retries per command, endless reconnects in the background, and connection errors reported at
 * most once per message per half minute (never with the URL).
 */
import { Redis } from 'ioredis';

/** Where background failures go (a logger's warn); the default drops them. */
export type RedisErrorHandler = (message: string, err: Error) => void;

export interface RedisAdapterOptions {
  /** Prefix of every key and channel (default `tempmail:`); tests use a unique one. */
  prefix?: string;
  onError?: RedisErrorHandler;
  /** Opening a connection (TEMPMAIL_REDIS_CONNECT_TIMEOUT_MS, default 5 s). */
  connectTimeoutMs?: number;
  /** One command (TEMPMAIL_REDIS_COMMAND_TIMEOUT_MS, default 2 s). */
  commandTimeoutMs?: number;
}

export const DEFAULT_PREFIX = 'tempmail:';

const REPORT_EVERY_MS = 30_000;

/** Opens a connection to `url`; `role` names it in error reports and in CLIENT LIST. */
export function connectRedis(url: string, role: string, opts: RedisAdapterOptions = {}): Redis {
  const onError = opts.onError;
  const redis = new Redis(url, {
    connectionName: `tempmail-${role}`,
    maxRetriesPerRequest: 2,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    commandTimeout: opts.commandTimeoutMs ?? 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  const lastReported = new Map<string, number>();
  redis.on('error', (err: Error) => {
    const now = Date.now();
    const key = err.message;
    if ((lastReported.get(key) ?? 0) + REPORT_EVERY_MS > now) return;
    lastReported.set(key, now);
    onError?.(`redis ${role} connection failed`, err);
  });
  return redis;
}

/** Closes a connection: QUIT when it is up, else just disconnect (QUIT would wait for a reconnect). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through
    }
  }
  redis.disconnect();
}

/**
 * Resolves once `redis` is ready, or rejects after `timeoutMs`. Subscriber connections send
 * (UN)SUBSCRIBE only then: ioredis 5.8+ can interleave its connect handshake (CLIENT SETINFO,
 * the INFO ready check) with a SUBSCRIBE queued while connecting, and that SUBSCRIBE is then
 * lost (redis/ioredis#2037, fixed in ioredis 6).
 */
export function whenReady(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs / 1000} s (check REDIS_URL)`));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
