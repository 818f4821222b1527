/**
 * Rate limits that outlive their shared store: hits go to the primary (Redis, exact across
 * nodes); while it fails temporarily they are counted in this node's memory instead, so each
 * node enforces the limits alone (with N nodes a client may get up to N times a limit for the
 * outage; docs/scaling.md). After a failure the primary is left alone for a short pause, so an
 * outage does not cost every request a timeout.
 */
import { isTemporaryFailure } from '../../domain/temporary-failure.js';
import type { RateLimitDecision, RateLimitStore } from '../../ports/rate-limit-store.js';
import { MemoryRateLimitStore } from '../ratelimit-memory/memory-rate-limit.js';

export interface FallbackOptions {
  /** Told once when the fallback starts and once when the primary answers again. */
  onSwitch?: (usingFallback: boolean, err?: Error) => void;
  /** How long to count locally after a failure before trying the primary again (default 5 s). */
  retryPrimaryAfterMs?: number;
  now?: () => number;
}

export class FallbackRateLimitStore implements RateLimitStore {
  private readonly local: MemoryRateLimitStore;
  private readonly now: () => number;
  private readonly pauseMs: number;
  /** While now < this, hits go straight to the local counters. */
  private primaryPausedUntil = 0;
  private usingFallback = false;

  constructor(private readonly primary: RateLimitStore, private readonly opts: FallbackOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.local = new MemoryRateLimitStore(this.now);
    this.pauseMs = opts.retryPrimaryAfterMs ?? 5000;
  }

  /** True while limits are counted per node. */
  get degraded(): boolean {
    return this.usingFallback;
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<RateLimitDecision> {
    if (this.now() < this.primaryPausedUntil) return this.local.hit(key, limit, windowMs, cost);
    try {
      const decision = await this.primary.hit(key, limit, windowMs, cost);
      if (this.usingFallback) {
        this.usingFallback = false;
        this.opts.onSwitch?.(false);
      }
      return decision;
    } catch (err) {
      if (!isTemporaryFailure(err)) throw err;
      this.primaryPausedUntil = this.now() + this.pauseMs;
      if (!this.usingFallback) {
        this.usingFallback = true;
        this.opts.onSwitch?.(true, err as Error);
      }
      return this.local.hit(key, limit, windowMs, cost);
    }
  }

  async ping(): Promise<void> {
    await this.primary.ping?.();
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.local.close()]);
  }
}
