/** The receipt log on SQLite (table `receipts`, migration 5): one immediate transaction per append. */
import type { ChainTip, ReceiptStore, StoredReceipt } from '../../ports/receipt-store.js';
import type { Db } from './database.js';

export class SqliteReceiptStore implements ReceiptStore {
  constructor(private readonly db: Db) {}

  async append(build: (tip: ChainTip | null) => StoredReceipt): Promise<StoredReceipt> {
    const run = this.db.transaction(() => {
      const tip = this.db.prepare('SELECT seq, hash FROM receipts ORDER BY seq DESC LIMIT 1').get() as ChainTip | undefined;
      const next = build(tip ?? null);
      this.db.prepare('INSERT INTO receipts (seq, hash, json) VALUES (?, ?, ?)').run(next.seq, next.hash, next.json);
      return next;
    });
    // IMMEDIATE: the write lock is taken before the tip is read, so two appends cannot fork the chain.
    return run.immediate();
  }

  async since(since: number, limit: number): Promise<StoredReceipt[]> {
    return this.db.prepare('SELECT seq, hash, json FROM receipts WHERE seq > ? ORDER BY seq LIMIT ?').all(since, limit) as StoredReceipt[];
  }
}
