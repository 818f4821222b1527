/**
 * Sender authentication after the message is stored: SMTP has answered 250 and the live push
 * has gone out before any DNS query is made. Each job is checked once for all its recipients;
 * the verdict is sealed with each mailbox's key, stored with `message.updated` webhook outbox
 * rows, and announced on the bus (WebSocket `message.updated`, waits re-evaluate).
 *
 * Bounded: at most `concurrency` checks at once and `queueBytes` of raw messages waiting; a
 * message beyond that gets the temperror verdict at once rather than waiting without end.
 *
 * In quiet moments: with `activity`, a check starts only once ingest has been quiet for a
 * moment (IngestActivity), one at a time, so the checks' CPU does not run beside the next
 * message's parse, commit and push; a check that has waited `maxDeferMs` starts whatever
 * ingest is doing (under a continuous stream the verdicts lag by about that much).
 */
import type { Logger } from 'pino';
import type { KeyService } from '../crypto/key-service.js';
import type { AuthenticationResults } from '../domain/types.js';
import type { OutboxPlanner, StoredForAuth } from '../ingest/pipeline.js';
import type { IngestActivity } from '../ingest/activity.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Store } from '../ports/store.js';
import { AUTHENTICATION_FIELD } from '../read/message-reader.js';
import type { AuthInput } from './checker.js';
import { temperrorVerdict } from './verdict.js';

/** A stored message to check, with its copies (one per recipient mailbox). */
export type AuthJob = StoredForAuth;

/** Whatever makes the verdict (a WorkerChecker, or a SenderAuthChecker in the same thread); never rejects. */
export interface Checker {
  check(input: AuthInput): Promise<AuthenticationResults>;
  close?(): Promise<void>;
}

export interface AuthFollowUpDeps {
  checker: Checker;
  store: Store;
  keys: KeyService;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  concurrency: number;
  queueBytes: number;
  /** Webhook outbox rows of a mailbox (as for new messages); marked message.updated here. */
  outboxFor?: OutboxPlanner;
  /** Wakes the webhook dispatcher after rows were written. */
  onStored?: () => void;
  /** After a message's results are stored (the reader drops its cached view). */
  onUpdated?: (mailboxId: string, messageId: string) => void;
  /** Ingest's activity: checks wait for quiet moments (absent: they start at once). */
  activity?: IngestActivity;
  /** Longest a check waits for a quiet moment, ms (default DEFAULT_MAX_DEFER_MS). */
  maxDeferMs?: number;
}

/** A second: under a continuous stream of mail, verdicts follow their message by about this much. */
export const DEFAULT_MAX_DEFER_MS = 1000;

type QueuedJob = AuthJob & { bytes: number; queuedAt: number };

export class AuthFollowUp {
  private readonly queue: QueuedJob[] = [];
  private queuedBytes = 0;
  private running = 0;
  private readonly idle = new Set<() => void>();
  private closed = false;
  private scheduled = false;
  /** While waiting for a quiet moment (or the oldest job's deadline): how to stop waiting. */
  private stopWaiting: (() => void) | null = null;

  constructor(private readonly d: AuthFollowUpDeps) {}

  /** Takes a copy of the message (the caller zeroes its own) and checks it later; never waits. */
  enqueue(job: AuthJob): void {
    if (this.closed || job.targets.length === 0) return;
    if (this.queuedBytes + job.raw.length > this.d.queueBytes) {
      this.d.log.warn({ queuedBytes: this.queuedBytes }, 'authentication queue full: message marked temperror');
      void this.finish(job, temperrorVerdict(job.clientIp, job.fromDomain));
      return;
    }
    // A copy in a buffer of its own (Buffer.alloc never uses the shared pool): it can move to the worker.
    const raw = Buffer.alloc(job.raw.length);
    job.raw.copy(raw);
    const copy = { ...job, raw, bytes: raw.length, queuedAt: performance.now() };
    this.queue.push(copy);
    this.queuedBytes += copy.bytes;
    // On a later turn: the 250 and the live push of this message go out first (the checks'
    // first synchronous work would otherwise run before them, in this turn).
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Jobs waiting or running (tests, benchmarks). */
  get pending(): number {
    return this.queue.length + this.running;
  }

  /** Stops taking jobs; resolves once those running are done (those waiting are dropped, results stay null). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWaiting?.();
    for (const job of this.queue.splice(0)) job.raw.fill(0); // still here: not handed to the worker yet
    this.queuedBytes = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    await this.d.checker.close?.();
  }

  private pump(): void {
    while (this.running < this.d.concurrency && this.queue.length > 0 && !this.closed) {
      const activity = this.d.activity;
      const overdue = performance.now() - this.queue[0]!.queuedAt >= this.maxDeferMs;
      if (activity && !overdue) {
        if (this.running > 0) return; // one at a time in quiet moments: its end pumps again
        if (!activity.isQuiet()) return this.waitForQuiet(activity);
      }
      const job = this.queue.shift()!;
      this.running++;
      void this.run(job).catch((err: unknown) => {
        this.d.log.warn({ err: { message: (err as Error).message } }, 'sender authentication failed');
      }).finally(() => {
        this.running--;
        this.queuedBytes -= job.bytes;
        if (job.raw.buffer.byteLength > 0) job.raw.fill(0); // detached (nothing left here) when its bytes moved to the worker
        if (this.running === 0) for (const resolve of this.idle) resolve();
        if (this.running === 0) this.idle.clear();
        this.pump();
      });
    }
  }

  private get maxDeferMs(): number {
    return this.d.maxDeferMs ?? DEFAULT_MAX_DEFER_MS;
  }

  /** Pumps again when ingest is quiet, or when the oldest job has waited maxDeferMs. */
  private waitForQuiet(activity: IngestActivity): void {
    if (this.stopWaiting) return;
    const again = () => {
      this.stopWaiting?.();
      this.pump();
    };
    const deadline = setTimeout(again, Math.max(0, this.queue[0]!.queuedAt + this.maxDeferMs - performance.now()));
    const cancel = activity.whenQuiet(again);
    this.stopWaiting = () => {
      this.stopWaiting = null;
      clearTimeout(deadline);
      cancel();
    };
  }

  private async run(job: AuthJob): Promise<void> {
    const { raw, clientIp, helo, envelopeFrom, fromDomain } = job;
    await this.finish(job, await this.d.checker.check({ raw, clientIp, helo, envelopeFrom, fromDomain }));
  }

  /** Seals and stores the verdict for each recipient's copy, then announces it. */
  private async finish(job: AuthJob, verdict: AuthenticationResults): Promise<void> {
    await Promise.all(job.targets.map(async ({ mailbox, messageId }) => {
      try {
        const cipher = await this.d.keys.cipherFor(mailbox);
        if (!cipher) return; // expired meanwhile
        const outbox = ((await this.d.outboxFor?.(mailbox, messageId)) ?? []).map((o) => ({ ...o, event: 'message.updated' as const }));
        await this.d.store.messages.setAuthentication(
          { mailboxId: mailbox.id, messageId, sealed: cipher.sealJson(messageId, AUTHENTICATION_FIELD, verdict) }, outbox, this.d.clock.now(),
        );
        this.d.onUpdated?.(mailbox.id, messageId);
        if (outbox.length > 0) this.d.onStored?.();
        await this.d.bus.publish({ mailboxId: mailbox.id, messageId, kind: 'updated' });
      } catch (err) {
        this.d.log.warn({ err: { message: (err as Error).message } }, 'storing authentication results failed');
      }
    }));
  }
}
