/**
 * Group commit: writes go to disk in one transaction and one fsync per batch, and each caller's
 * promise settles only after that commit. Durability per message without an fsync per message.
 *
 * A batch is what was submitted in the same event-loop turn, plus, when `writeBatch` is
 * asynchronous (the SQLite writer thread), everything that arrived while the previous batch was
 * being committed: one commit is in flight at a time and the next one takes all that waited.
 * So batches grow with the load by themselves and an idle server adds no delay.
 */
/** Per item of a batch: null (or undefined) where it was committed, else why it was not. */
export type ItemOutcomes = ReadonlyArray<unknown>;

export interface GroupCommitOptions {
  /** At most this many items per batch. */
  maxBatch?: number;
  /**
   * The writer tries a failed batch item by item itself and resolves with each item's outcome;
   * its rejection then fails the whole batch as is (it may have taken the items' data with it).
   */
  perItem?: boolean;
}

export class GroupCommitter<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private inFlight = false;
  private readonly maxBatch: number;
  private readonly perItem: boolean;

  /**
   * `writeBatch` writes all items in one transaction (synchronously, or resolving after the
   * commit); it throws or rejects to fail the whole batch, and then each item is tried alone
   * (unless `perItem`, see there).
   */
  constructor(private readonly writeBatch: (items: T[]) => void | Promise<void | ItemOutcomes>, options: GroupCommitOptions = {}) {
    this.maxBatch = options.maxBatch ?? 512;
    this.perItem = options.perItem ?? false;
  }

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled && !this.inFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  /** Items waiting or being committed. */
  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  private async flush(): Promise<void> {
    if (this.inFlight) return;
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight = true;
    try {
      await this.commit(batch);
    } finally {
      this.inFlight = false;
    }
    // What arrived during the commit goes next, now.
    if (this.queue.length > 0 && !this.scheduled) void this.flush();
  }

  private async commit(batch: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }>): Promise<void> {
    let outcomes: void | ItemOutcomes;
    try {
      outcomes = await this.writeBatch(batch.map((b) => b.item));
    } catch (e) {
      if (this.perItem) {
        for (const b of batch) b.reject(e);
        return;
      }
      // One bad item must not fail its neighbours: retry each alone.
      for (const b of batch) {
        try {
          await this.writeBatch([b.item]);
          b.resolve();
        } catch (err) {
          b.reject(err);
        }
      }
      return;
    }
    batch.forEach((b, i) => (outcomes && outcomes[i] != null ? b.reject(outcomes[i]) : b.resolve()));
  }
}
