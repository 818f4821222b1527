/**
 * Group commit: writes submitted in the same event-loop turn go to disk in one transaction and
 * one fsync, and each caller's promise settles only after that commit. Durability per message
 * without an fsync per message.
 */
export class GroupCommitter<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  /** `writeBatch` runs all items in one transaction; it throws to reject the whole batch. */
  constructor(private readonly writeBatch: (items: T[]) => void) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      this.writeBatch(batch.map((b) => b.item));
      for (const b of batch) b.resolve();
    } catch {
      // One bad item must not fail its neighbours: retry each alone.
      for (const b of batch) {
        try {
          this.writeBatch([b.item]);
          b.resolve();
        } catch (e) {
          b.reject(e);
        }
      }
    }
  }
}
