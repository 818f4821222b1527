/**
 * Versioned migrations for PostgreSQL, safe when several nodes start at once: everything runs in
 * one transaction holding an advisory lock keyed on the schema, so the first node migrates and the
 * others wait, then find the versions recorded in `<schema>.schema_migrations`.
 */
import type pg from 'pg';
import { quoteIdent, withTransaction } from './pool.js';

export interface PgMigration {
  version: number;
  name: string;
  /** The statements, given the quoted schema name to qualify tables with. */
  sql: (schema: string) => string;
}

/** Advisory-lock class for migrations (the second key is hashtext of the schema name). */
const MIGRATION_LOCK_CLASS = 0x7e3a;

/**
 * Migrations are exempt from the pool's statement limits (TEMPMAIL_PG_QUERY_TIMEOUT_MS): a node
 * may wait for another's, and an index build on a big table takes its time.
 */
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

/**
 * Creates `schema` if missing and applies every migration above the recorded versions, in
 * version order. Returns the versions applied by this call.
 */
export async function migrate(pool: pg.Pool, schema: string, migrations: PgMigration[]): Promise<number[]> {
  const s = quoteIdent(schema);
  return withTransaction(pool, async (client) => {
    await client.query(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    // query_timeout per query is read by node-postgres but missing from its QueryConfig type.
    const slow = (text: string, values?: unknown[]) => client.query({ text, values, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
    await slow('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, `tempmail:${schema}`]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when it exists.
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await slow(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
