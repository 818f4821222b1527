/**
 * Group commit: writes go to disk in one transaction and one fsync per batch, and each caller's
 * promise settles only after that commit. Durability per message without an fsync per message.
 *
 * A batch is what was submitted in the same event-loop turn, plus, when `writeBatch` is
 * asynchronous (the SQLite writer thread), everything that arrived while the previous batch was
 * being committed: one commit is in flight at a time and the next one takes all that waited.
 * So batches grow with the load by themselves and an idle server adds no delay.
 *
 * With `isBig`, big items (MBs to write and fsync) are committed alone and small ones in batches
 * of their own, taking turns: a small item never waits for a big one's bytes in its own commit,
 * only, at most, for one big commit already in flight; a big one waits at most one small batch.
 */
/** Per item of a batch: null (or undefined) where it was committed, else why it was not. */
export type ItemOutcomes = ReadonlyArray<unknown>;

export interface GroupCommitOptions<T = unknown> {
  /** At most this many items per batch. */
  maxBatch?: number;
  /**
   * The writer tries a failed batch item by item itself and resolves with each item's outcome;
   * its rejection then fails the whole batch as is (it may have taken the items' data with it).
   */
  perItem?: boolean;
  /** Items that are committed alone, in turns with batches of the others (see above). */
  isBig?: (item: T) => boolean;
}

type Entry<T> = { item: T; resolve: () => void; reject: (e: unknown) => void };

export class GroupCommitter<T> {
  private queue: Array<Entry<T>> = [];
  /** Big items waiting (only with `isBig`), first in first out. */
  private big: Array<Entry<T>> = [];
  /** Whether the last commit was a big item's (the next turn is the small items'); so at first, small ones go first. */
  private lastWasBig = true;
  private scheduled = false;
  private inFlight = false;
  private readonly maxBatch: number;
  private readonly perItem: boolean;
  private readonly isBig: ((item: T) => boolean) | undefined;

  /**
   * `writeBatch` writes all items in one transaction (synchronously, or resolving after the
   * commit); it throws or rejects to fail the whole batch, and then each item is tried alone
   * (unless `perItem`, see there).
   */
  constructor(private readonly writeBatch: (items: T[]) => void | Promise<void | ItemOutcomes>, options: GroupCommitOptions<T> = {}) {
    this.maxBatch = options.maxBatch ?? 512;
    this.perItem = options.perItem ?? false;
    this.isBig = options.isBig;
  }

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      (this.isBig?.(item) ? this.big : this.queue).push({ item, resolve, reject });
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
    return this.queue.length + this.big.length + (this.inFlight ? 1 : 0);
  }

  private async flush(): Promise<void> {
    if (this.inFlight) return;
    const batch = this.next();
    if (batch.length === 0) return;
    this.inFlight = true;
    try {
      await this.commit(batch);
    } finally {
      this.inFlight = false;
    }
    // What arrived during the commit goes next, now.
    if (this.queue.length + this.big.length > 0 && !this.scheduled) void this.flush();
  }

  /** The next batch: the small items, or one big item when it is the big ones' turn or no small one waits. */
  private next(): Array<Entry<T>> {
    const bigTurn = this.big.length > 0 && (this.lastWasBig === false || this.queue.length === 0);
    this.lastWasBig = bigTurn;
    return bigTurn ? this.big.splice(0, 1) : this.queue.splice(0, this.maxBatch);
  }

  private async commit(batch: Array<Entry<T>>): Promise<void> {
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
