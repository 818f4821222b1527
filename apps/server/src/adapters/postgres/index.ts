/**
 * PostgreSQL adapters (for several nodes), chosen when DATABASE_URL is a postgres:// URL.
 * The message store lives in TEMPMAIL_PG_SCHEMA (default public); the keyring in its own schema
 * (default tempmail_keyring), in TEMPMAIL_KEYRING_DATABASE_URL's database when that is set.
 * Both are migrated at start, under an advisory lock, so nodes may start together.
 */
import type { Config } from '../../config/index.js';
import type { KeyringStore } from '../../ports/store.js';
import { PgKeyring } from './keyring.js';
import { migrate } from './migrate.js';
import { pgKeyringMigrations, pgStoreMigrations } from './migrations.js';
import { createPool, type PgErrorHandler } from './pool.js';
import { PgStore } from './store.js';

export { PgKeyring } from './keyring.js';
export { PgStore } from './store.js';
export type { PgErrorHandler } from './pool.js';

/** The settings the PostgreSQL adapters read (a subset of Config, so tests can pass their own). */
export type PgConfig = Pick<Config, 'databaseUrl' | 'pgSchema' | 'pgKeyringSchema' | 'keyringDatabaseUrl'> & Partial<Pick<Config, 'timeouts'>>;

/** Connections per node for the message store; the keyring needs few. */
const STORE_POOL_SIZE = 10;
const KEYRING_POOL_SIZE = 2;

/** Opens and migrates the store and the keyring. */
export async function openPostgres(
  config: PgConfig,
  onError: PgErrorHandler = () => {},
): Promise<{ store: PgStore; keyring: KeyringStore }> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL: not set');
  const limits = { connectTimeoutMs: config.timeouts?.pgConnectMs, queryTimeoutMs: config.timeouts?.pgQueryMs };
  const storePool = createPool({ url: config.databaseUrl, max: STORE_POOL_SIZE, applicationName: 'tempmail', onError, ...limits });
  const keyringPool = createPool({
    url: config.keyringDatabaseUrl ?? config.databaseUrl, max: KEYRING_POOL_SIZE, applicationName: 'tempmail-keyring', onError, ...limits,
  });
  try {
    await migrate(storePool, config.pgSchema, pgStoreMigrations);
    await migrate(keyringPool, config.pgKeyringSchema, pgKeyringMigrations);
  } catch (err) {
    await Promise.allSettled([storePool.end(), keyringPool.end()]);
    throw new Error(`DATABASE_URL: cannot open the PostgreSQL store: ${(err as Error).message}`);
  }
  return {
    store: new PgStore(storePool, config.pgSchema),
    keyring: new PgKeyring(keyringPool, config.pgKeyringSchema, onError),
  };
}

