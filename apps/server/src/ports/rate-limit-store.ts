/** Counters for fixed-window rate limits, exact under concurrency (one atomic step per hit). */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Hits left in this window after this one (0 when refused). */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimitStore {
  /**
   * Counts `cost` hits (default 1; 0 only reads) for `key` in a window of `windowMs` that
   * allows `limit` hits.
   */
  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<RateLimitDecision>;
  /** Resolves when a shared backing service answers (absent: nothing to check). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
