/**
 * Whether ingest is at work: messages between the end of their data and their push, and how
 * long ago the last one finished. Background work that only has to follow a message (sender
 * authentication) waits for a quiet moment, so its CPU does not run beside the next message's
 * parse, commit and push: on this 2-vCPU machine a check running on the other CPU, even at
 * the lowest priority, made the next push's tail slower (docs/benchmarks.md, issue 21).
 */
/**
 * Quiet after this long with nothing in flight: a client sending one message after another
 * starts its next one within about a millisecond of the previous push here, so 5 ms of nothing
 * means no such stream is under way, and a verdict waits at most that long on an idle service.
 */
export const DEFAULT_QUIET_MS = 5;

export class IngestActivity {
  private inFlight = 0;
  private lastEndAt = -Infinity;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  /** Quiet means nothing in flight for `quietMs`. */
  constructor(private readonly quietMs: number = DEFAULT_QUIET_MS, private readonly now: () => number = () => performance.now()) {}

  /** A message's data has ended: it is being parsed, stored and pushed. */
  begin(): void {
    this.inFlight++;
    this.disarm();
  }

  /** That message is done (pushed, or failed). */
  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastEndAt = this.now();
    if (this.inFlight === 0 && this.waiters.size > 0) this.arm();
  }

  isQuiet(): boolean {
    return this.inFlight === 0 && this.now() - this.lastEndAt >= this.quietMs;
  }

  /** Calls `cb` once when ingest has been quiet for `quietMs` (at once if it is); returns a cancel. */
  whenQuiet(cb: () => void): () => void {
    if (this.isQuiet()) {
      cb();
      return () => undefined;
    }
    this.waiters.add(cb);
    if (this.inFlight === 0 && !this.timer) this.arm();
    return () => {
      this.waiters.delete(cb);
      if (this.waiters.size === 0) this.disarm();
    };
  }

  private arm(): void {
    this.disarm();
    const wait = Math.max(0, this.quietMs - (this.now() - this.lastEndAt));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.isQuiet()) {
        if (this.inFlight === 0) this.arm(); // a message began and ended meanwhile: wait from its end
        return;
      }
      const called = [...this.waiters];
      this.waiters.clear();
      for (const cb of called) cb();
    }, Math.ceil(wait));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
