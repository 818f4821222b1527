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

  async destroyThrough(epoch: number): Promise<number> {
    const { changes } = this.db.prepare('DELETE FROM keks WHERE epoch <= ?').run(epoch);
    if (changes > 0) this.db.exec('VACUUM');
    return changes;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
