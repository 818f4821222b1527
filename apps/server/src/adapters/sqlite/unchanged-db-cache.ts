/**
 * Query results of one SQLite connection, reused while the database is unchanged. Exact: every
 * lookup first reads `PRAGMA data_version`, which changes when any other connection (the
 * message writer thread, another process) has committed, and `total_changes()`, which changes
 * with every row this connection writes (mailbox deletes, the writer's in-thread fallback);
 * when either moved, everything cached is dropped. The two reads cost about 2.5 µs (the
 * pragma_data_version table-valued form costs more: it prepares a statement per call), far
 * less than the queries cached behind them. Bounded, oldest out first.
 */
import { type Db, sql } from './database.js';

export class UnchangedDbCache<V> {
  private readonly entries = new Map<string, V>();
  private dataVersion = -1;
  private totalChanges = -1;

  constructor(private readonly db: Db, private readonly max: number) {}

  /** The value cached under `key`, if the database has not changed since it was stored. */
  get(key: string): V | undefined {
    const dataVersion = sql(this.db, 'PRAGMA data_version').pluck(true).get() as number;
    const totalChanges = sql(this.db, 'SELECT total_changes()').pluck(true).get() as number;
    if (dataVersion !== this.dataVersion || totalChanges !== this.totalChanges) {
      this.entries.clear();
      this.dataVersion = dataVersion;
      this.totalChanges = totalChanges;
      return undefined;
    }
    return this.entries.get(key);
  }

  /**
   * Stores a result queried after a `get` of the same key. A commit in between makes the result
   * newer than the version `get` saw, never older, and the next `get` drops it anyway.
   */
  set(key: string, value: V): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }
}
