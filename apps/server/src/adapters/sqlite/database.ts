/** Opens a better-sqlite3 database with the pragmas durability and deletion need, and migrates it. */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection (preparing costs more than most queries). */
export function sql(db: Db, text: string): Database.Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let stmt = byText.get(text);
  if (!stmt) byText.set(text, (stmt = db.prepare(text)));
  return stmt;
}

export interface Migration {
  version: number;
  sql: string;
}

/**
 * Opens `file`: WAL with synchronous=FULL (every commit fsynced before it returns, so it
 * survives power loss), secure_delete (deleted content is overwritten, not left in free pages).
 * The file is readable by its owner only (0600), and so are its -wal and -shm files: SQLite
 * gives them the database file's mode.
 */
export function openDatabase(file: string, migrations: Migration[], journal: 'wal' | 'delete' = 'wal'): Db {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  ownerOnly(file);
  const db = new Database(file);
  db.pragma(`journal_mode = ${journal}`);
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** Creates `file` empty with mode 0600 when it is missing, else narrows its mode to 0600 (older installs made it 0644). */
function ownerOnly(file: string): void {
  if (file === ':memory:' || file === '') return;
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
}

/** Applies migrations above the database's user_version, each in its own transaction. */
function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
