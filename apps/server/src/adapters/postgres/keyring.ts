/**
 * The PostgreSQL keyring: sealed epoch KEKs in their own schema (default `tempmail_keyring`,
 * optionally in a separate database), so backups can leave them out
 * (`pg_dump --exclude-schema=tempmail_keyring`). Destruction is a DELETE followed by a VACUUM
 * FULL of the table; see docs/deployment.md for what PostgreSQL can and cannot guarantee about
 * the bytes (WAL, replicas and archives keep copies for a while).
 */
import type pg from 'pg';
import type { KeyringStore } from '../../ports/store.js';
import { type PgErrorHandler, quoteIdent, withTransaction } from './pool.js';

/** Table rewrites after a destruction: this one and the next sweeps' (see destroyThrough). */
const REWRITES_AFTER_DESTROY = 3;

export class PgKeyring implements KeyringStore {
  private readonly table: string;
  private closed: Promise<void> | null = null;

  /** `pool` is owned by the keyring (closed with it); `schema` must be migrated already. */
  constructor(private readonly pool: pg.Pool, schema: string, private readonly onError?: PgErrorHandler) {
    this.table = `${quoteIdent(schema)}.keks`;
  }

  async get(epoch: number): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ sealed: Buffer }>(`SELECT sealed FROM ${this.table} WHERE epoch = $1`, [epoch]);
    return rows[0]?.sealed ?? null;
  }

  async putIfAbsent(epoch: number, sealed: Buffer): Promise<Buffer> {
    await this.pool.query(
      `INSERT INTO ${this.table} (epoch, sealed, created_at) VALUES ($1, $2, $3) ON CONFLICT (epoch) DO NOTHING`,
      [epoch, sealed, Date.now()],
    );
    const stored = await this.get(epoch);
    if (!stored) throw new Error('keyring: the epoch key vanished right after it was written');
    return stored;
  }

  /**
   * Deletes every KEK of an epoch <= `epoch`, then rewrites the table with VACUUM FULL. A plain
   * VACUUM only marks the dead tuples' space free: measured on PostgreSQL 15, 18 of 19 deleted
   * rows were still readable in the heap file afterwards. VACUUM FULL writes a new file holding
   * the live rows only (the table is tiny: one row per epoch). It cannot run inside a
   * transaction block, so it is a plain statement on a pooled connection, with a lock timeout
   * so a stuck lock holder delays destruction rather than the caller.
   */
  /** Rewrites still due after the last destruction (see destroyThrough). */
  private rewritesDue = 0;

  async destroyThrough(epoch: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ epoch: string }>(`DELETE FROM ${this.table} WHERE epoch <= $1 RETURNING epoch`, [epoch]);
    if (rows.length > 0) this.rewritesDue = REWRITES_AFTER_DESTROY;
    // VACUUM FULL copies rows deleted after the oldest open snapshot of the database (another
    // node's or client's transaction that began before the DELETE) into the new file: the next
    // calls (the sweeps that follow) rewrite again, by when such transactions have ended.
    if (this.rewritesDue > 0) {
      this.rewritesDue--;
      await this.rewriteOrReport('keyring VACUUM FULL after destroying epoch keys failed');
    }
    return rows.map((r) => Number(r.epoch)).sort((a, b) => a - b);
  }

  async epochs(): Promise<number[]> {
    const { rows } = await this.pool.query<{ epoch: string }>(`SELECT epoch FROM ${this.table} ORDER BY epoch`);
    return rows.map((r) => Number(r.epoch));
  }

  async newest(): Promise<{ epoch: number; sealed: Buffer } | null> {
    const { rows } = await this.pool.query<{ epoch: string; sealed: Buffer }>(`SELECT epoch, sealed FROM ${this.table} ORDER BY epoch DESC LIMIT 1`);
    return rows[0] ? { epoch: Number(rows[0].epoch), sealed: rows[0].sealed } : null;
  }

  /**
   * Reseals every KEK in one transaction. The table is locked against inserts meanwhile (a node
   * that creates a new epoch's key waits, then seals it with whatever key it runs with: stop
   * the nodes first, docs/deployment.md). Then VACUUM FULL, as after a destruction: the updated
   * rows' old versions would otherwise stay readable in the heap file.
   */
  async resealAll(reseal: (epoch: number, sealed: Buffer) => Buffer): Promise<number> {
    const n = await withTransaction(this.pool, async (client) => {
      await client.query(`LOCK TABLE ${this.table} IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await client.query<{ epoch: string; sealed: Buffer }>(`SELECT epoch, sealed FROM ${this.table} ORDER BY epoch`);
      for (const row of rows) {
        const epoch = Number(row.epoch);
        await client.query(`UPDATE ${this.table} SET sealed = $1 WHERE epoch = $2`, [reseal(epoch, row.sealed), epoch]);
      }
      return rows.length;
    });
    if (n > 0) await this.rewriteOrReport('keyring VACUUM FULL after resealing failed: the old sealed KEKs stay in the table file until the next one');
    return n;
  }

  /**
   * rewrite(), reporting rather than throwing: the change it follows has committed. Until the
   * next rewrite (or autovacuum) the old rows' bytes stay in the file. Most likely the role does
   * not own the table (VACUUM needs ownership) or the lock timed out.
   */
  private async rewriteOrReport(failure: string): Promise<void> {
    try {
      await this.rewrite();
    } catch (err) {
      this.onError?.(failure, err as Error);
    }
  }

  private async rewrite(): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("SET lock_timeout = '5s'");
      await client.query(`VACUUM (FULL) ${this.table}`);
    } catch (err) {
      broken = true; // do not hand a connection with changed settings back to the pool
      throw err;
    } finally {
      if (!broken) await client.query('RESET lock_timeout').catch(() => { broken = true; });
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }
}
