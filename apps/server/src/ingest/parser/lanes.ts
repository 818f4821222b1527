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
 *   budget once. A message whose structure already says it is costly (more Content-Type fields
 *   than TEMPMAIL_MAX_MIME_PARTS, structure-scan.ts) goes there at once and marks its sender
 *   the same way, without spending a budget at normal priority first.
 * - The large lane takes messages over 1 MiB at normal priority, as before the cost lanes:
 *   big mail is usually legitimate, and niced it waited minutes on a loaded machine. Its budget
 *   grows with the size (LARGE_BUDGET_MS_PER_MB, about five times what a big HTML message takes
 *   with extraction): a message of 1.4 MB that costs seconds (13,000 nested message/rfc822
 *   parts) moves to the costly lane like a small costly one, instead of taking a core at normal
 *   priority.
 * - What the costly lane has parsed is handed on to be stored at a pace
 *   (TEMPMAIL_PARSE_COSTLY_BYTES_PER_SECOND, CostlyPace): a costly message is also an fsync of
 *   its size in the single SQLite writer, which ordinary mail would otherwise wait behind.
 * - A parse in the ordinary or large lane that has used a quarter of its budget (DEMOTE_AT) goes
 *   on at the costly lane's priority: whatever made it costly, it holds a core at normal
 *   priority for that quarter at most.
 * - A message there or in the costly lane may take up to TEMPMAIL_PARSE_TIMEOUT_MS of CPU
 *   before it is kept raw. Each lane takes turns between senders (fair-queue.ts).
 */
import { type Job, ParserPool } from './pool.js';
import { costlyByStructure } from './structure-scan.js';
import type { ParserOptions, PreparedMail } from './types.js';
import type { ParserKill, ParserLane } from '../../metrics/metrics.js';

/** Told each time a parser process is killed or dies with a message (metrics, logs). */
export type KillListener = (lane: ParserLane, reason: ParserKill, why: string) => void;

/** Messages over this size go to the large lane. */
export const LARGE_MESSAGE = 1024 * 1024;
/** At most this many senders are remembered as costly (the oldest are forgotten first). */
const MAX_COSTLY_SENDERS = 10_000;
const COSTLY_NICENESS = 10;
/**
 * CPU budget per MB in the large lane (at least the ordinary budget): a big HTML message takes
 * about 80-110 ms of CPU per MB to parse and extract (20 MB: 1.6-2.1 s), so a legitimate one
 * stays well inside it; 13,000 nested message/rfc822 levels take 1,400-4,300 ms per MB.
 */
export const LARGE_BUDGET_MS_PER_MB = 500;
/**
 * Share of its budget after which a parse in the ordinary or large lane goes on at the costly
 * lane's priority (62 ms of CPU in the ordinary lane: ordinary mail takes 1-30 ms; a 20 MB HTML
 * message, 1.6-2.1 s of its 10 s): a kind of costly mail nobody foresaw takes at most that at
 * normal priority before it yields, and the rest of its budget at the lower one.
 */
export const DEMOTE_AT = 0.25;

/** The large lane's budget for a message of `bytes`. */
export const largeBudgetMs = (bytes: number, budgetMs: number, perMb = LARGE_BUDGET_MS_PER_MB): number =>
  Math.max(budgetMs, Math.round((bytes / (1024 * 1024)) * perMb));

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

/**
 * Spaces out what the costly lane hands on to be stored, by size: mail from senders marked
 * costly gets a bounded share of the single SQLite writer and the disk (each 1.4 MB nested
 * message is an fsync of 1.4 MB that an ordinary message arriving meanwhile waits behind).
 * Each result reserves `bytes / rate` of time after the previous one's; 0 = no pacing.
 */
export class CostlyPace {
  private nextFreeAt = 0;

  constructor(private readonly bytesPerSecond: number, private readonly now: () => number = () => performance.now()) {}

  /** How long (ms) to hold a result of `bytes` before handing it on; reserves its turn. */
  reserve(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    const now = this.now();
    const start = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = start + (bytes / this.bytesPerSecond) * 1000;
    return start - now;
  }
}

export class LanedParser {
  private readonly ordinary: ParserPool;
  private readonly costly: ParserPool;
  private readonly large: ParserPool;
  private readonly costlySenders: CostlySenders;
  private readonly maxParts: number;
  private readonly pace: CostlyPace;
  /** Costly-lane results parsed and waiting for their turn to be handed on. */
  private paced = 0;
  /** Messages moved to the costly lane after outlasting the budget (for tests and metrics). */
  overBudget = 0;
  /** Messages sent to the costly lane at once for their structure (for tests and metrics). */
  byStructure = 0;

  constructor(options: ParserOptions, onKill?: KillListener) {
    const base = { size: options.workers, timeoutMs: options.timeoutMs, memoryMb: options.memoryMb, maxAgeMs: options.maxAgeMs, limits: options };
    const told = (lane: ParserLane) => (onKill ? { onKill: (reason: ParserKill, why: string) => onKill(lane, reason, why) } : {});
    this.costlySenders = new CostlySenders(options.costlySenderMs);
    this.maxParts = options.maxMimeParts;
    this.pace = new CostlyPace(options.costlyBytesPerSecond ?? 0);
    this.costly = new ParserPool({ ...base, niceness: COSTLY_NICENESS, ...told('costly') });
    const overBudget = (job: Job) => {
      this.overBudget++;
      this.costlySenders.mark(job.source);
      this.costly.enqueue({ ...job, resolve: (prepared) => this.handOn(prepared, job.raw.length, job.resolve) });
    };
    const demote = { demoteAt: DEMOTE_AT, demoteTo: COSTLY_NICENESS };
    this.large = new ParserPool({ ...base, ...told('large'), ...demote, budgetMs: (job) => largeBudgetMs(job.raw.length, options.budgetMs, options.largeBudgetMsPerMb), overBudget });
    this.ordinary = new ParserPool({ ...base, ...told('ordinary'), ...demote, budgetMs: options.budgetMs, overBudget });
  }

  /** Parses one message in the lane its sender and its size call for; never rejects. */
  prepare(raw: Buffer, envelopeFrom: string, source: string): Promise<PreparedMail> {
    if (this.costlySenders.has(source)) return this.costlyPrepare(raw, envelopeFrom, source);
    if (costlyByStructure(raw, this.maxParts) !== null) {
      this.byStructure++;
      this.costlySenders.mark(source);
      return this.costlyPrepare(raw, envelopeFrom, source);
    }
    return (raw.length > LARGE_MESSAGE ? this.large : this.ordinary).prepare(raw, envelopeFrom, source);
  }

  private costlyPrepare(raw: Buffer, envelopeFrom: string, source: string): Promise<PreparedMail> {
    return new Promise((resolve) => this.costly.enqueue({ raw, envelopeFrom, source, resolve: (prepared) => this.handOn(prepared, raw.length, resolve) }));
  }

  /** Hands a costly-lane result on once the pace allows (CostlyPace). */
  private handOn(prepared: PreparedMail, bytes: number, resolve: (prepared: PreparedMail) => void): void {
    const wait = this.pace.reserve(bytes);
    if (wait <= 0) return resolve(prepared);
    this.paced++;
    setTimeout(() => {
      this.paced--;
      resolve(prepared);
    }, wait);
  }

  /** Parses in the ordinary and large lanes that went on at the lower priority (tests, metrics). */
  get demotions(): number {
    return this.ordinary.demotions + this.large.demotions;
  }

  /** Messages queued or being parsed, per lane (the costly lane's include those waiting for their pace). */
  depth(): Record<'ordinary' | 'costly' | 'large', number> {
    return { ordinary: this.ordinary.depth, costly: this.costly.depth + this.paced, large: this.large.depth };
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
