/**
 * Runs the store contract against SQLite (temporary directory) and PostgreSQL
 * (TEMPMAIL_TEST_DATABASE_URL, in schemas unique to this run, dropped afterwards), plus the
 * PostgreSQL-only promises: concurrent start-up migrations and the keyring's own schema.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgres, type PgConfig } from '../../src/adapters/postgres/index.js';
import { migrate as migratePg } from '../../src/adapters/postgres/migrate.js';
import { pgStoreMigrations } from '../../src/adapters/postgres/migrations.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { storeMigrations } from '../../src/adapters/sqlite/migrations.js';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { createHmac } from 'node:crypto';
import { newMailbox, runStoreContract } from './store.contract.js';
import { dropSchemas, requirePostgres, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, uniqueName } from './services.js';

runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-contract-'));
  const store = new SqliteStore(path.join(dir, 'data', 'tempmail.db'));
  const keyring = new SqliteKeyring(path.join(dir, 'keyring', 'keyring.db'));
  return {
    store,
    keyring,
    outboxRows: async (mailboxId) =>
      (store.db.prepare('SELECT count(*) AS n FROM outbox WHERE mailbox_id = ?').get(mailboxId) as { n: number }).n,
    async close() {
      await store.close();
      await keyring.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** A configuration on fresh schemas of the test database. */
function pgTestConfig(): PgConfig {
  const schema = uniqueName('tm_contract');
  return { databaseUrl: TEST_DATABASE_URL, pgSchema: schema, pgKeyringSchema: `${schema}_keyring`, keyringDatabaseUrl: null };
}

runStoreContract('postgres', async () => {
  await requirePostgres();
  const config = pgTestConfig();
  const { store, keyring } = await openPostgres(config);
  return {
    store,
    keyring,
    outboxRows: async (mailboxId) => {
      const { rows } = await store.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${store.tables.outbox} WHERE mailbox_id = $1`, [mailboxId]);
      return Number(rows[0].n);
    },
    async close() {
      await store.close();
      await keyring.close();
      await dropSchemas(TEST_DATABASE_URL, [config.pgSchema, config.pgKeyringSchema]);
    },
  };
});

/** A stand-in for the address key's digest (the store only keeps what it is given). */
const digestOf = (address: string) => createHmac('sha256', 'migration-test').update(address).digest().subarray(0, 16);

describe('issued addresses: the migration keeps the addresses live before it', () => {
  it('sqlite: mailboxes of a version-4 store are digested at the next start, once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-issued-migration-'));
    const file = path.join(dir, 'tempmail.db');
    try {
      const old = openDatabase(file, storeMigrations.filter((m) => m.version <= 4));
      const m = newMailbox();
      old.prepare(`INSERT INTO mailboxes (id, address, token_hash, owner_key_id, created_at, expires_at, wrapped_key, key_epoch, creator_ip)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.id, m.address, m.tokenHash, m.ownerKeyId, m.createdAt, m.expiresAt, m.wrappedKey, m.keyEpoch, m.creatorIp);
      old.close();
      const store = new SqliteStore(file);
      try {
        assert.equal(await store.mailboxes.wasIssued(digestOf(m.address)), false, 'not before the start digests it');
        assert.equal(await store.mailboxes.digestPendingIssued(digestOf), 1);
        assert.equal(await store.mailboxes.wasIssued(digestOf(m.address)), true);
        assert.equal((store.db.prepare('SELECT count(*) AS n FROM issued_pending').get() as { n: number }).n, 0, 'no plain copy left');
        assert.equal(await store.mailboxes.digestPendingIssued(digestOf), 0, 'the next start has nothing to do');
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('postgres: mailboxes of a version-4 schema are digested at the next start, once', async (t) => {
    try {
      await requirePostgres();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      return skipOrFail(t, err.message);
    }
    const config = pgTestConfig();
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    try {
      await migratePg(pool, config.pgSchema, pgStoreMigrations.filter((m) => m.version <= 4));
      const m = newMailbox();
      await pool.query(`INSERT INTO "${config.pgSchema}".mailboxes (id, address, token_hash, owner_key_id, created_at, expires_at, wrapped_key, key_epoch, creator_ip)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [m.id, m.address, m.tokenHash, m.ownerKeyId, m.createdAt, m.expiresAt, m.wrappedKey, m.keyEpoch, m.creatorIp]);
      const { store, keyring } = await openPostgres(config);
      try {
        assert.equal(await store.mailboxes.wasIssued(digestOf(m.address)), false);
        const [first, second] = await Promise.all([store.mailboxes.digestPendingIssued(digestOf), store.mailboxes.digestPendingIssued(digestOf)]);
        assert.equal(first + second, 1, 'two nodes starting at once digest it once between them');
        assert.equal(await store.mailboxes.wasIssued(digestOf(m.address)), true);
        const { rows } = await store.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${config.pgSchema}".issued_pending`);
        assert.equal(Number(rows[0].n), 0, 'no plain copy left');
      } finally {
        await store.close();
        await keyring.close();
      }
    } finally {
      await pool.end();
      await dropSchemas(TEST_DATABASE_URL, [config.pgSchema, config.pgKeyringSchema]);
    }
  });
});

describe('postgres only', () => {
  const schemas: string[] = [];
  after(async () => {
    if (schemas.length) await dropSchemas(TEST_DATABASE_URL, schemas).catch(() => {});
  });

  /** Null (after skipping or failing) when PostgreSQL is absent. */
  async function available(t: Parameters<typeof skipOrFail>[0]): Promise<boolean> {
    try {
      await requirePostgres();
      return true;
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      skipOrFail(t, err.message);
      return false;
    }
  }

  it('several nodes starting at once migrate once, and reopening migrates nothing', async (t) => {
    if (!(await available(t))) return;
    const config = pgTestConfig();
    schemas.push(config.pgSchema, config.pgKeyringSchema);
    const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgres(config)));
    const { store } = opened[0];
    const { rows } = await store.pool.query<{ version: number }>(`SELECT version FROM "${config.pgSchema}".schema_migrations ORDER BY version`);
    assert.deepEqual(rows.map((r) => r.version), pgStoreMigrations.map((m) => m.version));
    const again = await openPostgres(config);
    opened.push(again);
    for (const o of opened) {
      await o.store.ping();
      await o.store.close();
      await o.keyring.close();
    }
  });

  it('keeps the keyring in its own schema and ciphertexts in bytea, timestamps in bigint', async (t) => {
    if (!(await available(t))) return;
    const config = pgTestConfig();
    schemas.push(config.pgSchema, config.pgKeyringSchema);
    const { store, keyring } = await openPostgres(config);
    try {
      const { rows } = await store.pool.query<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(
        `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
         WHERE table_schema = ANY($1) ORDER BY table_schema, table_name, column_name`,
        [[config.pgSchema, config.pgKeyringSchema]],
      );
      const where = (table: string) => new Set(rows.filter((r) => r.table_name === table).map((r) => r.table_schema));
      assert.deepEqual([...where('keks')], [config.pgKeyringSchema], 'keks only in the keyring schema');
      assert.deepEqual([...where('mailboxes')], [config.pgSchema]);
      const type = (table: string, column: string) =>
        rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
      assert.equal(type('keks', 'sealed'), 'bytea');
      assert.equal(type('messages', 'body'), 'bytea');
      assert.equal(type('message_raw', 'raw'), 'bytea');
      assert.equal(type('attachments', 'content'), 'bytea');
      assert.equal(type('mailboxes', 'wrapped_key'), 'bytea');
      assert.equal(type('mailboxes', 'expires_at'), 'bigint');
      assert.equal(type('messages', 'received_at'), 'bigint');
      assert.ok(where('outbox').has(config.pgSchema), 'the outbox table exists');
    } finally {
      await store.close();
      await keyring.close();
    }
  });

  it('destroyed epoch keys are gone from the keyring table file, not only invisible', async (t) => {
    if (!(await available(t))) return;
    const config = pgTestConfig();
    schemas.push(config.pgSchema, config.pgKeyringSchema);
    const { store, keyring } = await openPostgres(config);
    try {
      const mark = (epoch: number) => Buffer.from(`SEALED-KEK-MARK-${epoch}-${'x'.repeat(40)}`);
      for (let e = 1; e <= 20; e++) await keyring.putIfAbsent(e, mark(e));
      assert.equal((await keyring.destroyThrough(19)).length, 19);
      const file = async () => {
        await store.pool.query('CHECKPOINT');
        const { rows } = await store.pool.query<{ data: Buffer }>(
          'SELECT pg_read_binary_file(pg_relation_filepath($1::regclass)) AS data', [`"${config.pgKeyringSchema}".keks`]);
        return rows[0].data;
      };
      let data: Buffer;
      try {
        data = await file();
      } catch (err) {
        return skipOrFail(t, `reading the table file needs a superuser (${(err as Error).message})`);
      }
      assert.ok(data.includes(mark(20)), 'the live key is in the file (positive control)');
      // A transaction of another client that began before the DELETE (other test files share
      // this database) keeps the deleted rows in the rewritten file; the sweeps that follow
      // (here: the next calls) rewrite again, each a little later.
      for (let sweep = 1; sweep < 3 && [...Array(19).keys()].some((k) => data.includes(mark(k + 1))); sweep++) {
        await new Promise((r) => setTimeout(r, 2000 * sweep));
        assert.deepEqual(await keyring.destroyThrough(19), [], 'nothing left to delete');
        data = await file();
      }
      for (let e = 1; e <= 19; e++) assert.ok(!data.includes(mark(e)), `destroyed epoch ${e} is still in the table file`);
    } finally {
      await store.close();
      await keyring.close();
    }
  });

  it('keeps the keyring in a separate database when TEMPMAIL_KEYRING_DATABASE_URL says so', async (t) => {
    if (!(await available(t))) return;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const dbName = uniqueName('tm_keyring_db');
    try {
      try {
        await admin.query(`CREATE DATABASE "${dbName}"`);
      } catch (err) {
        return skipOrFail(t, `cannot create a database for this test (${(err as Error).message})`);
      }
      const keyringUrl = new URL(TEST_DATABASE_URL);
      keyringUrl.pathname = `/${dbName}`;
      const config = { ...pgTestConfig(), keyringDatabaseUrl: keyringUrl.toString() };
      schemas.push(config.pgSchema);
      const { store, keyring } = await openPostgres(config);
      try {
        await keyring.putIfAbsent(42, Buffer.from('sealed'));
        const inMain = await store.pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [config.pgKeyringSchema]);
        assert.equal(inMain.rowCount, 0, 'no keyring schema in the message database');
        assert.deepEqual(await keyring.get(42), Buffer.from('sealed'));
      } finally {
        await store.close();
        await keyring.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`).catch(() => {});
      await admin.end();
    }
  });
});
