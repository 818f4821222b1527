/**
 * The metrics port on prom-client, with a registry of its own (never the library's global one,
 * so two services in one process, as in tests, do not mix). Every series the service can emit
 * is created up front with its known labels at zero: a scrape of an idle SQLite node and of a
 * busy PostgreSQL/Redis node lists the same names (docs/observability.md lists them).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type {
  IngestStage, MetricSources, Metrics, ParserKill, ParserLane, RateLimitScope, SmtpStep, WebhookOutcome,
} from './metrics.js';

const LANES: ParserLane[] = ['ordinary', 'costly', 'large', 'inline'];
const KILLS: ParserKill[] = ['timeout', 'memory', 'over_budget', 'failed', 'shutdown'];
const STAGES: IngestStage[] = ['parsed', 'committed', 'replied', 'ws_sent', 'webhook_answered'];
const OUTCOMES: WebhookOutcome[] = ['delivered', 'failed', 'disabled', 'gave_up', 'error'];
const SCOPES: RateLimitScope[] = ['anonymous', 'api_key', 'failed_auth', 'waits'];
/** From a millisecond (a small message on an idle node) to the parser's default time limit. */
const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A level read from a store at scrape time waits at most this long (the last value stays otherwise). */
const COLLECT_TIMEOUT_MS = 2000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), ms); })])
    .finally(() => clearTimeout(timer));
}

export function createPrometheusMetrics(): Metrics {
  const registry = new Registry();
  // Process metrics (CPU, memory, handles, GC) and the event-loop delay (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];
  let sources: MetricSources = {};
  const collectErrors = new Counter({ name: 'tempmail_metrics_collect_errors_total', help: 'Levels that could not be read for a scrape (store slow or away).', registers });
  const level = (name: string, help: string, read: (g: Gauge) => void | Promise<void>, labelNames: string[] = []) =>
    new Gauge({
      name, help, labelNames, registers,
      async collect() {
        try {
          await read(this);
        } catch {
          collectErrors.inc();
        }
      },
    });

  const sessions = new Counter({ name: 'tempmail_smtp_sessions_total', help: 'SMTP sessions accepted.', registers });
  level('tempmail_smtp_sessions_open', 'SMTP sessions open now.', (g) => { if (sources.smtpSessionsOpen) g.set(sources.smtpSessionsOpen()); });
  const replies = new Counter({ name: 'tempmail_smtp_replies_total', help: 'SMTP replies to connections, MAIL FROM, RCPT TO and end of DATA, and session kills, by code.', labelNames: ['step', 'code'], registers });
  const accepted = new Counter({ name: 'tempmail_messages_accepted_total', help: 'Messages stored (end of DATA answered 250).', registers });
  const rejected = new Counter({ name: 'tempmail_messages_rejected_total', help: 'Messages refused at the end of DATA (4xx or 5xx).', registers });
  const keptRaw = new Counter({ name: 'tempmail_messages_kept_raw_total', help: 'Messages stored raw only (not parsed: over a limit, timed out, killed).', registers });
  level('tempmail_parser_queue_depth', 'Messages queued or being parsed, per parser lane.', (g) => {
    const depth = sources.parserDepth?.() ?? {};
    for (const lane of LANES) g.set({ lane }, depth[lane] ?? 0);
  }, ['lane']);
  const timeouts = new Counter({ name: 'tempmail_parser_timeouts_total', help: 'Parses stopped at TEMPMAIL_PARSE_TIMEOUT_MS (message kept raw).', labelNames: ['lane'], registers });
  const kills = new Counter({ name: 'tempmail_parser_kills_total', help: 'Parser processes killed, by reason.', labelNames: ['lane', 'reason'], registers });
  const stages = new Histogram({ name: 'tempmail_message_stage_seconds', help: 'Time from the end of DATA to each stage of a message.', labelNames: ['stage'], buckets: STAGE_BUCKETS, registers });
  level('tempmail_websockets_open', 'WebSockets open on this node.', (g) => { if (sources.websocketsOpen) g.set(sources.websocketsOpen()); });
  level('tempmail_waits_pending', 'wait.php requests held on this node.', (g) => { if (sources.waitsPending) g.set(sources.waitsPending()); });
  level('tempmail_wait_front_held', 'Of those, held by the wait front on its own connections, outside node:http.', (g) => { if (sources.waitsHeldByFront) g.set(sources.waitsHeldByFront()); });
  level('tempmail_wait_subscriptions', 'Bus subscriptions held for wait.php on this node (one per mailbox with waiters).', (g) => { if (sources.waitSubscriptions) g.set(sources.waitSubscriptions()); });
  level('tempmail_webhook_outbox_backlog', 'Webhook outbox rows not yet delivered (whole store).', async (g) => {
    if (sources.outboxBacklog) g.set(await within(sources.outboxBacklog(), COLLECT_TIMEOUT_MS));
  });
  const deliveries = new Counter({ name: 'tempmail_webhook_deliveries_total', help: 'Webhook delivery attempts, by outcome.', labelNames: ['outcome'], registers });
  const sweepLag = new Gauge({ name: 'tempmail_sweeper_lag_seconds', help: 'At the last sweep: how long ago the oldest expired mailbox it purged had expired.', registers });
  const sweeps = new Counter({ name: 'tempmail_sweeper_runs_total', help: 'TTL sweeps, by result.', labelNames: ['result'], registers });
  const lastSweep = new Gauge({ name: 'tempmail_sweeper_last_success_timestamp_seconds', help: 'When the last TTL sweep succeeded (Unix time).', registers });
  const swept = new Counter({ name: 'tempmail_mailboxes_swept_total', help: 'Expired mailboxes purged by the sweeper.', registers });
  const destroyed = new Counter({ name: 'tempmail_key_epochs_destroyed_total', help: 'Epoch KEKs destroyed by this node\'s sweeper.', registers });
  // Both epoch gauges come from one keyring query per scrape (a scrape collects every metric at
  // once, so the second gauge shares the first one's read rather than waiting on its order).
  let epochRead: { at: number; figures: Promise<{ live: number; ended: number }> } | null = null;
  const readEpochs = () => {
    const now = Date.now();
    if (!epochRead || now - epochRead.at > 1000) {
      epochRead = { at: now, figures: sources.keyEpochs ? within(sources.keyEpochs(), COLLECT_TIMEOUT_MS) : Promise.resolve({ live: 0, ended: 0 }) };
    }
    return epochRead.figures;
  };
  level('tempmail_key_epochs_live', 'Epochs whose KEK is in the keyring.', async (g) => { g.set((await readEpochs()).live); });
  level('tempmail_key_epochs_ended', 'Epochs that have ended and whose KEK is still in the keyring (the sweeper destroys them).', async (g) => { g.set((await readEpochs()).ended); });
  const refusals = new Counter({ name: 'tempmail_rate_limit_refusals_total', help: 'Requests refused with 429, by budget.', labelNames: ['scope'], registers });

  // Known label sets at zero, so every name is listed from the first scrape on.
  for (const lane of LANES) {
    timeouts.inc({ lane }, 0);
    for (const reason of KILLS) kills.inc({ lane, reason }, 0);
  }
  for (const stage of STAGES) stages.zero({ stage });
  for (const outcome of OUTCOMES) deliveries.inc({ outcome }, 0);
  for (const scope of SCOPES) refusals.inc({ scope }, 0);
  for (const result of ['ok', 'failed']) sweeps.inc({ result }, 0);
  replies.inc({ step: 'data', code: '250' }, 0);

  return {
    enabled: true,
    smtpSessionOpened: () => sessions.inc(),
    smtpReply: (step: SmtpStep, code: number) => replies.inc({ step, code: String(code) }),
    messageAccepted: () => accepted.inc(),
    messageRejected: () => rejected.inc(),
    messageKeptRaw: () => keptRaw.inc(),
    parserKilled: (lane, reason) => {
      kills.inc({ lane, reason });
      if (reason === 'timeout') timeouts.inc({ lane });
    },
    stage: (stage, ms) => stages.observe({ stage }, Math.max(0, ms) / 1000),
    webhookDelivery: (outcome) => deliveries.inc({ outcome }),
    rateLimitRefused: (scope) => refusals.inc({ scope }),
    sweep: (ok, lagMs, purged, epochsDestroyed) => {
      sweeps.inc({ result: ok ? 'ok' : 'failed' });
      if (!ok) return;
      sweepLag.set(Math.max(0, lagMs) / 1000);
      lastSweep.set(Date.now() / 1000);
      swept.inc(purged);
      destroyed.inc(epochsDestroyed);
    },
    watch: (more) => { sources = { ...sources, ...more }; },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
