/**
 * Picks the adapters once, from configuration: SQLite + in-process by default, PostgreSQL
 * when DATABASE_URL says so, Redis when REDIS_URL says so. Nothing else knows which run.
 */
import path from 'node:path';
import type { Config } from '../config/index.js';
import type { EventBus } from '../ports/event-bus.js';
import type { RateLimitStore } from '../ports/rate-limit-store.js';
import type { KeyringStore, Store } from '../ports/store.js';
import { MemoryBus } from './bus-memory/memory-bus.js';
import { FallbackRateLimitStore } from './ratelimit-fallback/fallback-rate-limit.js';
import { MemoryRateLimitStore } from './ratelimit-memory/memory-rate-limit.js';
import { SqliteKeyring } from './sqlite/keyring.js';
import { SqliteStore } from './sqlite/store.js';

export interface Adapters {
  store: Store;
  keyring: KeyringStore;
  bus: EventBus;
  rateLimits: RateLimitStore;
}

/** Where adapters report background failures (lost connections): a logger's warn, or nothing. */
export type AdapterWarn = (message: string, err: Error) => void;

/** The message store (and the keyring that goes with it). */
export async function openStore(config: Config, warn?: AdapterWarn): Promise<{ store: Store; keyring: KeyringStore }> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres(config, warn);
  }
  return {
    store: new SqliteStore(path.join(config.dataDir, 'tempmail.db')),
    keyring: new SqliteKeyring(path.join(config.keyringDir, 'keyring.db')),
  };
}

export async function openAdapters(config: Config, warn?: AdapterWarn): Promise<Adapters> {
  const { store, keyring } = await openStore(config, warn);
  if (config.redisUrl) {
    const { RedisBus, RedisRateLimitStore } = await import('./redis/index.js');
    const opts = { onError: warn, connectTimeoutMs: config.timeouts.redisConnectMs, commandTimeoutMs: config.timeouts.redisCommandMs };
    // While Redis is away, rate limits are counted per node (docs/scaling.md).
    const rateLimits = new FallbackRateLimitStore(new RedisRateLimitStore(config.redisUrl, opts), {
      onSwitch: (local, err) => warn?.(local ? 'redis rate limits failed: counting per node until Redis answers' : 'redis rate limits answer again', err ?? new Error('recovered')),
    });
    return { store, keyring, bus: new RedisBus(config.redisUrl, opts), rateLimits };
  }
  return { store, keyring, bus: new MemoryBus(), rateLimits: new MemoryRateLimitStore() };
}
