/**
 * The SQLite keyring: sealed epoch KEKs in their own small file, apart from the message store,
 * in rollback-journal mode with secure_delete so a destroyed KEK leaves no copy in the file.
 */
import type { KeyringStore } from '../../ports/store.js';
import { type Db, openDatabase } from './database.js';
import { keyringMigrations } from './migrations.js';

export class SqliteKeyring implements KeyringStore {
  private readonly db: Db;

  constructor(file: string) {
    this.db = openDatabase(file, keyringMigrations, 'delete');
  }

  async get(epoch: number): Promise<Buffer | null> {
    const row = this.db.prepare('SELECT sealed FROM keks WHERE epoch = ?').get(epoch) as { sealed: Buffer } | undefined;
    return row?.sealed ?? null;
  }

  async putIfAbsent(epoch: number, sealed: Buffer): Promise<Buffer> {
    this.db.prepare('INSERT OR IGNORE INTO keks (epoch, sealed, created_at) VALUES (?, ?, ?)').run(epoch, sealed, Date.now());
    return (await this.get(epoch))!;
  }

  async destroyThrough(epoch: number): Promise<number[]> {
    const rows = this.db.prepare('DELETE FROM keks WHERE epoch <= ? RETURNING epoch').all(epoch) as Array<{ epoch: number }>;
    if (rows.length > 0) this.db.exec('VACUUM');
    return rows.map((r) => r.epoch).sort((a, b) => a - b);
  }

  async epochs(): Promise<number[]> {
    return (this.db.prepare('SELECT epoch FROM keks ORDER BY epoch').all() as Array<{ epoch: number }>).map((r) => r.epoch);
  }

  async newest(): Promise<{ epoch: number; sealed: Buffer } | null> {
    const row = this.db.prepare('SELECT epoch, sealed FROM keks ORDER BY epoch DESC LIMIT 1').get() as { epoch: number; sealed: Buffer } | undefined;
    return row ? { epoch: row.epoch, sealed: row.sealed } : null;
  }

  async resealAll(reseal: (epoch: number, sealed: Buffer) => Buffer): Promise<number> {
    const update = this.db.prepare('UPDATE keks SET sealed = ? WHERE epoch = ?');
    const run = this.db.transaction(() => {
      const rows = this.db.prepare('SELECT epoch, sealed FROM keks ORDER BY epoch').all() as Array<{ epoch: number; sealed: Buffer }>;
      for (const row of rows) update.run(reseal(row.epoch, row.sealed), row.epoch);
      return rows.length;
    });
    const n = run.immediate();
    if (n > 0) this.db.exec('VACUUM'); // with secure_delete: no page keeps the old sealed bytes
    return n;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
