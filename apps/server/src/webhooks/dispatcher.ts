/**
 * Delivers webhook events from the durable outbox.
 *
 * - Woken at once when a message is stored (`wake`, via the ingest pipeline's `onStored`), and by
 *   a periodic scan for due retries (and, on start, for rows left by a previous process).
 * - Claims rows by leasing them (next_attempt_at pushed past the attempt timeout) before sending,
 *   so a crash mid-send retries later; at-least-once, with the message id as a stable event id.
 * - Concurrency: an overall cap, a per-webhook cap and a per-host cap, so one slow or failing
 *   receiver cannot hold up others; every attempt has a timeout; SMTP never waits on any of it.
 * - Failure (network error, timeout, non-2xx) retries with exponential backoff and jitter until
 *   success or the mailbox expires; 410 disables the webhook; nothing is sent for an expired mailbox.
 */
import type { Logger } from 'pino';
import type { WebhookSettings } from '../config/index.js';
import type { KeyService } from '../crypto/key-service.js';
import type { TimingBook } from '../ingest/timings.js';
import { type Metrics, noMetrics, preciseNow } from '../metrics/metrics.js';
import type { Clock } from '../ports/clock.js';
import type { MailboxStore } from '../ports/store.js';
import type { DeliveryAttempt, OutboxClaim, Settlement, WebhookStore } from '../ports/webhook-store.js';
import type { MessageReader } from '../read/message-reader.js';
import type { WebhookSender } from './sender.js';
import { signatureHeader } from './signing.js';

/** The sealed-field name of a webhook secret (AAD: mailbox id, webhook id, this name). */
export const WEBHOOK_SECRET_FIELD = 'webhook-secret';

/** Rows claimed per query. */
const CLAIM_BATCH = 64;

/**
 * Delay before the retry that follows attempt number `attempt` (1-based): `base * 2^(attempt-1)`
 * capped at `max`, of which the upper half is random (so the first retry waits base/2..base).
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
  return Math.round(full / 2 + random() * (full / 2));
}

export interface DispatcherDeps {
  store: WebhookStore;
  mailboxes: MailboxStore;
  keys: KeyService;
  reader: MessageReader;
  sender: WebhookSender;
  clock: Clock;
  log: Logger;
  settings: WebhookSettings;
  metrics?: Metrics;
  /** Recent messages' end of DATA, for the "webhook answered" stage (messages this node knows). */
  timings?: TimingBook;
}

export class WebhookDispatcher {
  private readonly inflight = new Map<string, Promise<void>>();
  /** Deliveries in flight per slot ("w:" + webhook id, "h:" + origin). */
  private readonly slots = new Map<string, number>();
  /** Webhooks that found a slot full, per slot: not claimed again until it frees up. */
  private readonly blocked = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private scheduled = false;
  private again = false;
  private stopped = false;
  private abandoned = false;
  private readonly leaseMs: number;

  constructor(private readonly deps: DispatcherDeps) {
    // Longer than one attempt can take, so a live attempt is never claimed twice.
    this.leaseMs = deps.settings.timeoutMs + 5000;
  }

  /** Starts the periodic scan and looks for rows due now (e.g. left by a crash). */
  start(): void {
    this.timer = setInterval(() => this.wake(), this.deps.settings.scanIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /**
   * Looks for due rows on the next turn of the event loop (so a caller such as SMTP answers
   * first). Cheap to call often: calls coalesce.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.pumping) this.again = true;
      else if (!this.stopped) void this.pump();
    });
  }

  /** Deliveries in flight (for tests and metrics). */
  get inFlight(): number {
    return this.inflight.size;
  }

  /**
   * Stops claiming; waits up to `graceMs` for deliveries in flight, then abandons the rest
   * (their leases expire and another run retries them) and closes connections.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inflight.values()]),
      new Promise((r) => { timer = setTimeout(r, graceMs); }),
    ]);
    clearTimeout(timer);
    this.abandoned = true;
    this.deps.sender.close();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const free = this.deps.settings.concurrency - this.inflight.size;
          if (free <= 0 || this.stopped) break;
          const limit = Math.min(free, CLAIM_BATCH);
          const now = this.deps.clock.now();
          const claims = await this.deps.store.claimDue({ now, leaseUntil: now + this.leaseMs, limit, excludeWebhookIds: this.excluded() });
          let started = 0;
          for (const claim of claims) if (this.tryStart(claim)) started++;
          if (claims.length < limit || started === 0) break;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      if (!this.stopped) this.deps.log.error({ err: { message: (err as Error).message } }, 'webhook claim failed');
    } finally {
      this.pumping = false;
    }
  }

  private excluded(): string[] {
    const out = new Set<string>();
    for (const set of this.blocked.values()) for (const id of set) out.add(id);
    return [...out];
  }

  private slotKeys(claim: OutboxClaim): Array<[string, number]> {
    let origin: string;
    try {
      origin = new URL(claim.url).origin;
    } catch {
      origin = claim.url;
    }
    return [[`w:${claim.webhookId}`, this.deps.settings.perWebhookConcurrency], [`h:${origin}`, this.deps.settings.perHostConcurrency]];
  }

  /** Starts a delivery if its slots allow; otherwise gives the row back and parks the webhook. */
  private tryStart(claim: OutboxClaim): boolean {
    if (this.inflight.has(claim.id)) return false;
    const keys = this.slotKeys(claim);
    for (const [key, cap] of keys) {
      if ((this.slots.get(key) ?? 0) >= cap) {
        let set = this.blocked.get(key);
        if (!set) this.blocked.set(key, (set = new Set()));
        set.add(claim.webhookId);
        this.deps.store.release(claim.id, claim.dueAt).catch(() => {});
        return false;
      }
    }
    for (const [key] of keys) this.slots.set(key, (this.slots.get(key) ?? 0) + 1);
    const run = this.deliver(claim)
      .catch((err: unknown) => {
        if (this.abandoned) return;
        this.deps.metrics?.webhookDelivery('error');
        this.deps.log.error({ err: { message: (err as Error).message }, webhook: claim.webhookId }, 'webhook delivery failed');
      })
      .finally(() => {
        this.inflight.delete(claim.id);
        for (const [key, cap] of keys) {
          const n = (this.slots.get(key) ?? 1) - 1;
          if (n <= 0) this.slots.delete(key);
          else this.slots.set(key, n);
          if (n < cap) this.blocked.delete(key);
        }
        this.wake();
      });
    this.inflight.set(claim.id, run);
    return true;
  }

  private async deliver(claim: OutboxClaim): Promise<void> {
    const { mailboxes, keys, reader, sender, clock, settings } = this.deps;
    const mailbox = await mailboxes.findById(claim.mailboxId);
    if (!mailbox || mailbox.expiresAt <= clock.now()) return this.settle(claim, { kind: 'done' }, null);
    const cipher = await keys.cipherFor(mailbox);
    if (!cipher) return this.settle(claim, { kind: 'done' }, null); // its key is gone: expired
    const secret = cipher.open(claim.webhookId, WEBHOOK_SECRET_FIELD, claim.sealedSecret).toString('utf8');
    const event = await reader.event(mailbox, claim.messageId, claim.event);
    if (!event) return this.settle(claim, { kind: 'done' }, null); // the message was trimmed or deleted
    const body = JSON.stringify(event);
    const at = clock.now();
    if (mailbox.expiresAt <= at) return this.settle(claim, { kind: 'done' }, null);
    const attemptNo = claim.attempts + 1;
    const result = await sender.post(claim.url, body, {
      'Content-Type': 'application/json',
      'X-TempMail-Event': event.event,
      // The message id: message.received and message.updated of one message share it (dedupe on both headers).
      'X-TempMail-Event-Id': event.id,
      'X-TempMail-Delivery-Attempt': String(attemptNo),
      'X-TempMail-Signature': signatureHeader(secret, body, Math.floor(at / 1000)),
    });
    // The first answer to a message's first attempt is the end of its path from the end of DATA.
    const endOfData = attemptNo === 1 ? this.deps.timings?.endOfData(claim.messageId) ?? null : null;
    if (endOfData !== null && result.statusCode !== null) (this.deps.metrics ?? noMetrics).stage('webhook_answered', preciseNow() - endOfData);
    const attempt: DeliveryAttempt = {
      webhookId: claim.webhookId, messageId: claim.messageId, attempt: attemptNo, at,
      statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error, outcome: 'delivered',
    };
    const status = result.statusCode;
    if (status !== null && status >= 200 && status < 300) return this.settle(claim, { kind: 'done' }, attempt);
    if (status === 410) {
      attempt.outcome = 'disabled';
      this.deps.log.info({ webhook: claim.webhookId }, 'webhook disabled: receiver answered 410 Gone');
      return this.settle(claim, { kind: 'disable', webhookId: claim.webhookId, reason: 'receiver answered 410 Gone', at: clock.now() }, attempt);
    }
    if (status !== null) attempt.error = `HTTP ${status}`;
    const next = clock.now() + retryDelayMs(attemptNo, settings.retryBaseMs, settings.retryMaxMs);
    if (next >= mailbox.expiresAt) {
      attempt.outcome = 'gave_up';
      return this.settle(claim, { kind: 'done' }, attempt);
    }
    attempt.outcome = 'failed';
    return this.settle(claim, { kind: 'retry', at: next }, attempt);
  }

  private async settle(claim: OutboxClaim, settlement: Settlement, attempt: DeliveryAttempt | null): Promise<void> {
    if (this.abandoned) return; // shutting down: the lease runs out and the row is retried
    if (attempt) {
      this.deps.metrics?.webhookDelivery(attempt.outcome);
      if (attempt.outcome === 'failed' || attempt.outcome === 'gave_up') {
        this.deps.log.warn({
          webhook: claim.webhookId, message: claim.messageId, attempt: attempt.attempt, status: attempt.statusCode,
          error: attempt.error, latencyMs: attempt.latencyMs, retrying: attempt.outcome === 'failed',
        }, attempt.outcome === 'failed' ? 'webhook attempt failed: will retry' : 'webhook attempt failed: gave up (the mailbox expires first)');
      }
    }
    await this.deps.store.settle(claim.id, settlement, attempt, this.deps.settings.logKeep);
  }
}
