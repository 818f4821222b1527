/**
 * The metrics port: what the service's components report, in their own terms. One object is
 * built in main.ts (prometheus.ts, or `noMetrics` when TEMPMAIL_METRICS=off) and handed to the
 * components that report; none of them knows the client library or the metric names.
 *
 * Counters are told as events happen; levels that already live in a component (sessions open,
 * WebSockets, held waits, parser queues, outbox backlog, key epochs) are read at scrape time
 * through `watch`, so the hot paths pay nothing for them.
 */

/** The SMTP step a reply answered. */
export type SmtpStep = 'connect' | 'mail' | 'rcpt' | 'data' | 'session';

/** Stages of a message, each timed from the end of its DATA. */
export type IngestStage = 'parsed' | 'committed' | 'replied' | 'ws_sent' | 'webhook_answered';

/** Parser lanes (ingest/parser/lanes.ts); `inline` when parsing on the calling thread. */
export type ParserLane = 'ordinary' | 'costly' | 'large' | 'inline';

/** Why a parser process was killed. */
export type ParserKill = 'timeout' | 'memory' | 'over_budget' | 'failed' | 'shutdown';

/** Outcome of one webhook delivery attempt (ports/webhook-store.ts), or `error` when it could not be made. */
export type WebhookOutcome = 'delivered' | 'failed' | 'disabled' | 'gave_up' | 'error';

/** Which budget a 429 came from (http/guards.ts). */
export type RateLimitScope = 'anonymous' | 'api_key' | 'failed_auth' | 'waits';

/** Levels read when metrics are scraped. Each may be absent (that part is off on this node). */
export interface MetricSources {
  smtpSessionsOpen?: () => number;
  websocketsOpen?: () => number;
  waitsPending?: () => number;
  /** Of those, held by the wait front on its own connections (http/front/). */
  waitsHeldByFront?: () => number;
  /** Bus subscriptions held for waits (one per mailbox with waiters, however many wait on it). */
  waitSubscriptions?: () => number;
  /** Messages queued or being parsed, per lane. */
  parserDepth?: () => Partial<Record<ParserLane, number>>;
  /** Outbox rows not yet delivered (a store query: bounded by the scrape). */
  outboxBacklog?: () => Promise<number>;
  /** Epochs whose KEK is still in the keyring, and how many of them have ended (should be destroyed). */
  keyEpochs?: () => Promise<{ live: number; ended: number }>;
}

export interface Metrics {
  /** False for `noMetrics`: GET /metrics answers 404. */
  readonly enabled: boolean;
  smtpSessionOpened(): void;
  smtpReply(step: SmtpStep, code: number): void;
  messageAccepted(): void;
  messageRejected(): void;
  messageKeptRaw(): void;
  parserKilled(lane: ParserLane, reason: ParserKill): void;
  /** ms from the end of DATA to `stage`. */
  stage(stage: IngestStage, ms: number): void;
  webhookDelivery(outcome: WebhookOutcome): void;
  rateLimitRefused(scope: RateLimitScope): void;
  /** One TTL sweep: its outcome, and how late the oldest expired mailbox it found was (ms). */
  sweep(ok: boolean, lagMs: number, purged: number, epochsDestroyed: number): void;
  /** Registers the levels read at scrape time (called once the components exist). */
  watch(sources: MetricSources): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

const nothing = (): void => undefined;

/** Metrics off: every report is a no-op. */
export const noMetrics: Metrics = {
  enabled: false,
  smtpSessionOpened: nothing,
  smtpReply: nothing,
  messageAccepted: nothing,
  messageRejected: nothing,
  messageKeptRaw: nothing,
  parserKilled: nothing,
  stage: nothing,
  webhookDelivery: nothing,
  rateLimitRefused: nothing,
  sweep: nothing,
  watch: nothing,
  render: async () => ({ contentType: 'text/plain', body: '' }),
};

/** Wall time in fractional epoch ms: comparable across nodes (to a clock's skew), finer than Date.now(). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
