/**
 * Three lanes of parser processes, so neither costly nor big mail can delay ordinary mail.
 *
 * - The ordinary lane (messages up to 1 MiB) parses at normal priority with a budget
 *   (TEMPMAIL_PARSE_BUDGET_MS of CPU): a parse that outlasts it is stopped there and the message
 *   is parsed again in the costly lane.
 * - The costly lane runs at a low CPU priority (nice 10: about a tenth of the CPU share of
 *   normal work when both want it), so on a busy machine its work yields to the ordinary lane
 *   and to the service itself, yet still advances (nice 19 starved it on a machine with a load
 *   of 20). It takes over-budget messages and, for TEMPMAIL_PARSE_COSTLY_SENDER_SECONDS, every
 *   message of a sender (client address) that sent one: a sender looping costly mail pays the
 *   budget once.
 * - The large lane takes messages over 1 MiB at normal priority, as before the cost lanes:
 *   big mail is usually legitimate, and niced it waited minutes on a loaded machine.
 * - A message there or in the costly lane may take up to TEMPMAIL_PARSE_TIMEOUT_MS of CPU
 *   before it is kept raw. Each lane takes turns between senders (fair-queue.ts).
 */
import { ParserPool } from './pool.js';
import type { ParserOptions, PreparedMail } from './types.js';

/** Messages over this size go to the large lane. */
export const LARGE_MESSAGE = 1024 * 1024;
/** At most this many senders are remembered as costly (the oldest are forgotten first). */
const MAX_COSTLY_SENDERS = 10_000;
const COSTLY_NICENESS = 10;

/** Senders recently seen sending costly mail, each until a deadline. */
export class CostlySenders {
  private readonly until = new Map<string, number>();

  constructor(private readonly forMs: number, private readonly now: () => number = Date.now) {}

  mark(source: string): void {
    if (this.forMs <= 0) return;
    this.until.delete(source);
    this.until.set(source, this.now() + this.forMs);
    if (this.until.size > MAX_COSTLY_SENDERS) this.until.delete(this.until.keys().next().value!);
  }

  has(source: string): boolean {
    const deadline = this.until.get(source);
    if (deadline === undefined) return false;
    if (deadline > this.now()) return true;
    this.until.delete(source);
    return false;
  }
}

export class LanedParser {
  private readonly ordinary: ParserPool;
  private readonly costly: ParserPool;
  private readonly large: ParserPool;
  private readonly costlySenders: CostlySenders;
  /** Messages moved to the costly lane after outlasting the budget (for tests and metrics). */
  overBudget = 0;

  constructor(options: ParserOptions) {
    const base = { size: options.workers, timeoutMs: options.timeoutMs, memoryMb: options.memoryMb, maxAgeMs: options.maxAgeMs, limits: options };
    this.costlySenders = new CostlySenders(options.costlySenderMs);
    this.costly = new ParserPool({ ...base, niceness: COSTLY_NICENESS });
    this.large = new ParserPool(base);
    this.ordinary = new ParserPool({
      ...base,
      budgetMs: options.budgetMs,
      overBudget: (job) => {
        this.overBudget++;
        this.costlySenders.mark(job.source);
        this.costly.enqueue(job);
      },
    });
  }

  /** Parses one message in the lane its sender and its size call for; never rejects. */
  prepare(raw: Buffer, envelopeFrom: string, source: string): Promise<PreparedMail> {
    const lane = this.costlySenders.has(source) ? this.costly : raw.length > LARGE_MESSAGE ? this.large : this.ordinary;
    return lane.prepare(raw, envelopeFrom, source);
  }

  /** Starts a process for ordinary and for large mail; the costly lane starts on its first message. */
  start(): void {
    this.ordinary.warm();
    this.large.warm();
  }

  async close(): Promise<void> {
    await Promise.all([this.ordinary.close(), this.costly.close(), this.large.close()]);
  }
}
