/**
 * Deadlines for many held requests on one timer. Entries are bucketed by their deadline rounded
 * up to `resolutionMs`; one interval runs while any entry is pending and expires whole buckets.
 * Adding or removing an entry is a Set operation: no timer per request.
 */
export class DeadlineWheel<T> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly bucketOf = new Map<T, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onExpire: (entry: T) => void,
    private readonly resolutionMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `onExpire(entry)` once `at` (ms) has passed, unless removed before. */
  add(entry: T, at: number): void {
    this.remove(entry);
    const slot = Math.ceil(at / this.resolutionMs) * this.resolutionMs;
    let bucket = this.buckets.get(slot);
    if (!bucket) this.buckets.set(slot, (bucket = new Set()));
    bucket.add(entry);
    this.bucketOf.set(entry, slot);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.resolutionMs);
      this.timer.unref();
    }
  }

  /** Forgets an entry (answered before its deadline). */
  remove(entry: T): void {
    const slot = this.bucketOf.get(entry);
    if (slot === undefined) return;
    this.bucketOf.delete(entry);
    const bucket = this.buckets.get(slot);
    bucket?.delete(entry);
    if (bucket?.size === 0) this.buckets.delete(slot);
  }

  get size(): number {
    return this.bucketOf.size;
  }

  private tick(): void {
    const now = this.now();
    for (const [slot, bucket] of this.buckets) {
      if (slot > now) continue;
      this.buckets.delete(slot);
      for (const entry of bucket) {
        this.bucketOf.delete(entry);
        try {
          this.onExpire(entry);
        } catch {
          // one failing expiry must not stop the others
        }
      }
    }
    if (this.bucketOf.size === 0) this.stop();
  }

  /** Stops the timer (entries left are not expired). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
