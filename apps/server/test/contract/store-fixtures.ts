/**
 * Fresh, empty stores for the per-port contract suites (webhook-store, domain-store): a SQLite
 * store in a temporary directory, or a PostgreSQL store on a new migrated schema of
 * TEMPMAIL_TEST_DATABASE_URL. Closing removes the directory or drops the schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { pgStoreMigrations } from '../../src/adapters/postgres/migrations.js';
import { createPool } from '../../src/adapters/postgres/pool.js';
import { PgStore } from '../../src/adapters/postgres/store.js';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { dropSchemas, requirePostgres, TEST_DATABASE_URL, uniqueName } from './services.js';

export interface StoreOnly<S> {
  store: S;
  close(): Promise<void>;
}

/** A SQLite store in a fresh temporary directory (`prefix` names the directory). */
export async function openSqliteStore(prefix: string): Promise<StoreOnly<SqliteStore>> {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const store = new SqliteStore(path.join(dir, 'tempmail.db'));
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL store on a fresh, migrated schema (`prefix` + a unique suffix); throws
 * ServiceUnavailable when PostgreSQL is absent.
 */
export async function openPgStore(prefix: string): Promise<StoreOnly<PgStore>> {
  await requirePostgres();
  const schema = uniqueName(prefix);
  const pool = createPool({ url: TEST_DATABASE_URL, max: 10, applicationName: 'tempmail-contract' });
  try {
    await migrate(pool, schema, pgStoreMigrations);
  } catch (err) {
    await pool.end();
    await dropSchemas(TEST_DATABASE_URL, [schema]).catch(() => {});
    throw err;
  }
  const store = new PgStore(pool, schema);
  return {
    store,
    async close() {
      await store.close();
      await dropSchemas(TEST_DATABASE_URL, [schema]);
    },
  };
}
