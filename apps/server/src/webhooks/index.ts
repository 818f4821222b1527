/**
 * Webhooks, composed: the registration service, the dispatcher and the hooks main.ts wires
 * into the ingest pipeline (`outboxFor`, `onStored`) and the HTTP app (`routes`).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/index.js';
import type { KeyService } from '../crypto/key-service.js';
import type { TimingBook } from '../ingest/timings.js';
import type { Metrics } from '../metrics/metrics.js';
import type { HttpContext } from '../http/context.js';
import { webhookRoutes } from '../http/routes/webhooks.js';
import type { OutboxPlanner } from '../ingest/pipeline.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { MessageReader } from '../read/message-reader.js';
import { WebhookDispatcher } from './dispatcher.js';
import { WebhookSender } from './sender.js';
import { AllowList } from './ssrf.js';
import { TargetPolicy } from './target.js';
import { WebhookService } from './webhook-service.js';

export interface WebhookModule {
  service: WebhookService;
  /** Null when the store has no webhook support. */
  dispatcher: WebhookDispatcher | null;
  /** For IngestPipeline's `outboxFor`. */
  outboxFor: OutboxPlanner;
  /** For IngestPipeline's `onStored`: wakes the dispatcher. */
  onStored: () => void;
  /** For buildHttpApp's `extraRoutes`. */
  routes: (app: FastifyInstance, ctx: HttpContext) => void;
  /** Starts delivering (call once the service is up). */
  start(): void;
  /** Stops delivering; waits up to `graceMs` for attempts in flight. */
  stop(graceMs: number): Promise<void>;
}

export interface WebhookModuleDeps {
  config: Config;
  store: Store;
  keys: KeyService;
  reader: MessageReader;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  timings?: TimingBook;
}

/** Builds the webhook feature; throws ConfigError for a bad TEMPMAIL_WEBHOOK_ALLOW_HOSTS. */
export function createWebhooks(deps: WebhookModuleDeps): WebhookModule {
  const { config, store, keys, reader, clock, log } = deps;
  let allow: AllowList;
  try {
    allow = AllowList.parse(config.webhookAllowHosts);
  } catch (e) {
    throw new ConfigError('TEMPMAIL_WEBHOOK_ALLOW_HOSTS', (e as Error).message);
  }
  const policy = new TargetPolicy(allow);
  const settings = config.webhooks;
  const service = new WebhookService({
    store: store.webhooks, mailboxes: store.mailboxes, keys, policy, clock,
    maxPerMailbox: settings.maxPerMailbox, logKeep: settings.logKeep,
  });
  const dispatcher = store.webhooks
    ? new WebhookDispatcher({
      store: store.webhooks, mailboxes: store.mailboxes, keys, reader, clock, settings,
      sender: new WebhookSender(policy, { timeoutMs: settings.timeoutMs }),
      log: log.child({ component: 'webhooks' }),
      metrics: deps.metrics, timings: deps.timings,
    })
    : null;
  if (!dispatcher) log.warn({ store: store.kind }, 'webhooks are not available with this storage backend');
  return {
    service,
    dispatcher,
    outboxFor: service.outboxFor,
    onStored: () => dispatcher?.wake(),
    routes: webhookRoutes(service),
    start: () => dispatcher?.start(),
    stop: async (graceMs) => {
      await dispatcher?.stop(graceMs);
    },
  };
}
