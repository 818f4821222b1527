/**
 * Background MX re-checks: pending and suspended domains with back-off, verified ones now and
 * then (a verified domain whose record went away becomes suspended). Safe on several nodes
 * at once: a check is idempotent, at worst a domain is looked up twice.
 */
import type { Logger } from 'pino';
import type { DomainService } from './domain-service.js';

const BATCH = 50;
const CONCURRENCY = 4;
const MAX_BATCHES_PER_RUN = 20;

export class DomainRecheckJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  /** @param intervalMs how often to look for due domains. */
  constructor(private readonly service: DomainService, private readonly log: Logger, private readonly intervalMs: number) {}

  /** A tick period fitting the re-check timings: half the shortest, between 50 ms and 15 s. */
  static intervalFor(recheckMs: number, verifiedRecheckMs: number): number {
    return Math.min(15_000, Math.max(50, Math.floor(Math.min(recheckMs, verifiedRecheckMs) / 2)));
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** Checks every due domain (in batches); concurrent calls share the run in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      // Bounded, so that rows a failing store cannot update are not retried in a tight loop.
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stopped; batch++) {
        const n = await this.service.checkDue(BATCH, CONCURRENCY);
        if (n < BATCH) break;
      }
    } catch (err) {
      this.log.error({ err: { message: (err as Error).message } }, 'custom domain re-check failed');
    }
  }

  /** Stops the timer and waits for the batch in flight (bounded by the DNS timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
