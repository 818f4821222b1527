/**
 * The receipt log on PostgreSQL (table `receipts`, migration 5). Appends from every node are
 * serialised by a transaction-scoped advisory lock taken before the tip is read, so the chain
 * never forks; readers are not blocked.
 */
import type pg from 'pg';
import type { ChainTip, ReceiptStore, StoredReceipt } from '../../ports/receipt-store.js';
import { withTransaction } from './pool.js';
import type { Tables } from './tables.js';

export class PgReceiptStore implements ReceiptStore {
  constructor(private readonly pool: pg.Pool, private readonly t: Tables) {}

  async append(build: (tip: ChainTip | null) => StoredReceipt): Promise<StoredReceipt> {
    return withTransaction(this.pool, async (c) => {
      // One lock per schema: two services in one database (tests) keep separate chains.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tempmail-receipts:${this.t.schema}`]);
      const { rows } = await c.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.t.receipts} ORDER BY seq DESC LIMIT 1`);
      const next = build(rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null);
      await c.query(`INSERT INTO ${this.t.receipts} (seq, hash, json) VALUES ($1, $2, $3)`, [next.seq, next.hash, next.json]);
      return next;
    });
  }

  async since(since: number, limit: number): Promise<StoredReceipt[]> {
    const { rows } = await this.pool.query<{ seq: string; hash: string; json: string }>(
      `SELECT seq, hash, json FROM ${this.t.receipts} WHERE seq > $1 ORDER BY seq LIMIT $2`, [since, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash, json: r.json }));
  }
}
