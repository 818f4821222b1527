/**
 * Composition root: read config, pick adapters, wire the pipeline, start SMTP + HTTP, and
 * close gracefully (stop accepting, finish sessions in flight, then close the stores).
 */
import { maxHeaderSize } from 'node:http';
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openAdapters, type Adapters } from './adapters/select.js';
import type { Config } from './config/index.js';
import { KeyService } from './crypto/key-service.js';
import { setupCustomDomains } from './domains/setup.js';
import { loadAddressDigest } from './crypto/address-key.js';
import { loadMasterKey } from './crypto/master-key.js';
import { buildHttpApp } from './http/app.js';
import { cidrMatcher, clientIp } from './http/client-ip.js';
import { WaitFront } from './http/front/wait-front.js';
import type { HttpContext } from './http/context.js';
import { Guards } from './http/guards.js';
import { OriginPolicy, ownOrigins } from './http/origin-policy.js';
import { LiveHub } from './http/ws.js';
import { createMimeParser } from './ingest/parser/index.js';
import { IngestActivity } from './ingest/activity.js';
import { IngestPipeline } from './ingest/pipeline.js';
import { TimingBook } from './ingest/timings.js';
import { TtlSweeper } from './jobs/ttl-sweeper.js';
import { MailboxGoneBroadcast } from './mailbox/mailbox-gone.js';
import { MailboxService } from './mailbox/mailbox-service.js';
import { noMetrics } from './metrics/metrics.js';
import { createPrometheusMetrics } from './metrics/prometheus.js';
import { registerMetricsRoute } from './http/routes/metrics.js';
import { receiptRoutes } from './http/routes/receipts.js';
import { ReceiptService } from './receipts/receipt-service.js';
import { loadReceiptKey } from './receipts/signing-key.js';
import { systemClock, type Clock } from './ports/clock.js';
import { MessageReader } from './read/message-reader.js';
import { PlaintextScrubber } from './runtime/memory-hygiene.js';
import { MailboxQuota } from './smtp/mailbox-quota.js';
import { SmtpIngress } from './smtp/smtp-ingress.js';
import { serviceVersion } from './version.js';
import { WaitHub } from './wait/wait-hub.js';
import { startSenderAuth } from './sender-auth/index.js';
import { createWebhooks } from './webhooks/index.js';

export interface RunningService {
  httpPort: number;
  smtpPort: number;
  adapters: Adapters;
  http: FastifyInstance;
  smtp: SmtpIngress;
  stop(): Promise<void>;
}

/**
 * Where the built web page and docs live, relative to this file (dist/main.js or src/main.ts):
 * web/ inside the installed tempmail-server package (copied there by prepack), else the
 * workspace's apps/web/dist.
 */
function defaultWebRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const packaged = path.resolve(here, '../web');
  return existsSync(path.join(packaged, 'index.html')) ? packaged : path.resolve(here, '../../web/dist');
}

/** Starts the whole service on the given configuration. */
export async function startService(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningService> {
  const master = loadMasterKey(config.masterKey, config.keyringDir, config.dataDir);
  if (master.generated) {
    log.warn({ file: master.file }, 'TEMPMAIL_MASTER_KEY is not set: generated a master key beside the keyring (TEMPMAIL_KEYRING_DIR); set TEMPMAIL_MASTER_KEY for production and for several nodes');
  }
  if (master.movedFrom) {
    log.warn({ from: master.movedFrom, to: master.file }, 'moved the generated master key out of DATA_DIR, beside the keyring: backups of DATA_DIR must not carry it');
  }
  const adapters = await openAdapters(config, (message, err) => log.warn({ err: { message: err.message } }, message));
  const { store, keyring, bus, rateLimits } = adapters;
  // One metrics object for the whole service (metrics/), handed to what reports; off: no-ops.
  const metrics = config.metrics.enabled ? createPrometheusMetrics() : noMetrics;
  const timings = new TimingBook();
  const keys = new KeyService(keyring, master.key, config.keyEpochSeconds * 1000);
  try {
    await keys.checkMasterKey();
  } catch (err) {
    await Promise.allSettled([store.close(), keyring.close(), bus.close(), rateLimits.close()]);
    throw err;
  }
  // A deleted or swept mailbox is forgotten on every node, whichever deleted it.
  const gone = new MailboxGoneBroadcast(bus, keys, log.child({ component: 'mailbox-gone' }));
  // Deletion receipts (receipts/): signed with the instance key kept beside the keyring.
  const receiptKey = loadReceiptKey(config.keyringDir, config.receiptKeyFile);
  if (receiptKey.generated) log.warn({ file: receiptKey.file }, 'generated the receipt-signing key; several nodes must share one (TEMPMAIL_RECEIPT_KEY_FILE)');
  const receipts = store.receipts ? new ReceiptService(store.receipts, receiptKey, config.keyEpochSeconds * 1000, log.child({ component: 'receipts' })) : undefined;
  // Addresses are never issued twice: digests of every issued address (crypto/address-key.ts).
  const addressDigest = await loadAddressDigest(keyring, master.key);
  const digested = await store.mailboxes.digestPendingIssued(addressDigest);
  if (digested > 0) log.info({ addresses: digested }, 'recorded the digests of the addresses issued before this version');
  const mailboxes = new MailboxService(store, keys, clock, {
    defaultSeconds: config.ttlSeconds, minSeconds: config.minTtlSeconds, maxSeconds: config.maxTtlSeconds,
  }, gone, addressDigest, config.customNames, undefined, receipts);
  const reader = new MessageReader(store, keys, clock, config.http.listMaxBytes, config.plaintextCacheMs, config.authChecks.enabled);
  // A mailbox or message gone: its plaintext's garbage is collected (and cleared) soon (runtime/memory-hygiene.ts).
  const scrubber = new PlaintextScrubber(config.memoryScrubMs);
  scrubber.onScrubbed((info) => log.debug(info, 'memory scrubbed'));
  keys.onForget(() => scrubber.request());
  reader.onPlaintextDropped = () => scrubber.request();
  // Webhooks (issue 6): outbox rows written with each message, delivered by a dispatcher.
  const webhooks = createWebhooks({ config, store, keys, reader, clock, log, metrics, timings });
  let ready = false;
  // Messages kept per mailbox: by the owner's plan for keyed mailboxes (plans cached, see smtp/mailbox-quota.ts).
  const quota = new MailboxQuota(store.keys, config);

  // The MIME parser (ingest/parser/): its processes start now rather than on the first message.
  const parserLog = log.child({ component: 'parser' });
  const parser = createMimeParser(config.parser, (lane, reason, why) => {
    metrics.parserKilled(lane, reason);
    if (reason !== 'shutdown') parserLog.warn({ lane, reason, why }, reason === 'over_budget' ? 'parse over budget: moved to the costly lane' : 'parser process killed: the message is kept raw');
  });
  parser.start();
  // SPF, DKIM, DMARC and ARC after the message is stored (issue 21): results follow as message.updated,
  // checked in ingest's quiet moments.
  const ingestActivity = new IngestActivity();
  const senderAuth = startSenderAuth({
    config, store, keys, bus, clock, log: log.child({ component: 'sender-auth' }), activity: ingestActivity,
    outboxFor: webhooks.outboxFor, onStored: webhooks.onStored,
    onUpdated: (mailboxId, messageId) => reader.forgetMessage(mailboxId, messageId),
  });
  const pipeline = new IngestPipeline({
    store, keys, bus, clock, parser, log: log.child({ component: 'ingest' }),
    keepNewestPerMailbox: (mailbox) => quota.keepNewest(mailbox),
    outboxFor: webhooks.outboxFor,
    onStored: webhooks.onStored,
    metrics, timings,
    afterStored: senderAuth ? (stored) => senderAuth.enqueue(stored) : undefined,
    activity: ingestActivity,
  });

  // Configured domains plus verified custom domains (issue 8; cached briefly, see domains/).
  const customDomains = setupCustomDomains(config, store, clock, log.child({ component: 'domains' }));
  const smtp = new SmtpIngress({
    config, pipeline, log: log.child({ component: 'smtp' }),
    policy: {
      acceptsDomain: (domain) => customDomains.acceptsDomain(domain),
      findMailbox: async (address) => {
        const mailbox = await customDomains.deliverable(await mailboxes.findLive(address));
        if (mailbox) await quota.warm(mailbox);
        return mailbox;
      },
      mailboxBytes: async (mailbox) => (await store.messages.usage(mailbox.id)).bytes,
    },
    hasDiskRoom: diskRoomCheck(config),
    metrics,
  });

  const trusted = cidrMatcher(config.trustProxy);
  // Held wait.php requests: one bus subscription per mailbox, one deadline timer (wait/).
  const waits = new WaitHub({
    bus, reader, messages: store.messages, clock, maxPerHolder: config.wait.maxPerKey,
    onError: (err) => log.warn({ err: { message: err.message } }, 'answering a held wait failed'),
  });
  const ctx: HttpContext = {
    config, store, mailboxes, reader, bus, clock, log, waits, metrics, timings,
    guards: new Guards(rateLimits, store.keys, {
      anonPerMinute: config.anonRatePerMinute,
      freePerMinute: config.rateFreePerMinute,
      premiumPerMinute: config.ratePremiumPerMinute,
      failedAuthPerMinute: config.http.failedAuthPerMinute,
      waitFreePerMinute: config.wait.rateFreePerMinute,
      waitPremiumPerMinute: config.wait.ratePremiumPerMinute,
      windowMs: config.rateWindowSeconds * 1000,
    }),
    origins: new OriginPolicy(ownOrigins(config.publicUrl, config.port), config.allowedOrigins),
    ipOf: (peer, xff) => clientIp(peer ?? '', xff, trusted),
    isReady: () => ready,
    rateLimitPing: rateLimits.ping?.bind(rateLimits),
    domainsFor: (keyId) => customDomains.domainsFor(keyId),
    domainStatus: (keyId, domain) => customDomains.domainStatus(keyId, domain),
  };
  ctx.guards.onAuthenticated = (record) => quota.remember(record.id, record.plan);
  ctx.guards.onRefused = (scope) => metrics.rateLimitRefused(scope);
  const http = await buildHttpApp(ctx, {
    webRoot: config.webRoot ?? defaultWebRoot(),
    version: serviceVersion(),
    extraRoutes: [customDomains.routes, webhooks.routes, (app) => registerMetricsRoute(app, ctx, metrics), ...(receipts ? [receiptRoutes(receipts)] : [])],
  });
  const hub = new LiveHub(ctx);
  hub.attach(http.server);
  // Every connection starts at the wait front; all but plain waits go on to node:http (http/front/).
  const front = config.wait.front ? new WaitFront({
    app: http, waits, paths: ['/v1/wait.php', '/api/wait.php'], maxHeadBytes: maxHeaderSize,
    requestTimeoutMs: config.http.requestTimeoutMs, keepAliveMs: http.server.keepAliveTimeout,
    log: log.child({ component: 'http' }),
  }) : null;
  if (front) ctx.waitFront = front.probes;
  gone.onGone((notice) => hub.mailboxGone(notice.mailboxId, notice.reason));
  gone.onGone((notice) => waits.mailboxGone(notice.mailboxId));
  await gone.start();

  const sweeper = new TtlSweeper(store, keys, gone, clock, log.child({ component: 'sweeper' }), config.sweepIntervalMs, metrics, receipts);
  metrics.watch({
    smtpSessionsOpen: () => smtp.sessions,
    websocketsOpen: () => hub.connections,
    waitsPending: () => waits.held,
    waitsHeldByFront: () => front?.held ?? 0,
    waitSubscriptions: () => waits.subscriptions,
    parserDepth: () => parser.depth(),
    ...(store.webhooks ? { outboxBacklog: () => store.webhooks!.backlog() } : {}),
    keyEpochs: () => keys.epochCounts(clock.now()),
  });
  await http.listen({ port: config.port, host: config.host });
  const httpAddr = http.server.address();
  const httpPort = typeof httpAddr === 'object' && httpAddr ? httpAddr.port : config.port;
  const smtpPort = await smtp.listen(config.smtpPort, config.host);
  sweeper.start();
  void sweeper.runOnce();
  customDomains.start();
  webhooks.start();
  ready = true;
  log.info({ http: `http://${config.host}:${httpPort}`, smtp: `${config.host}:${smtpPort}`, store: store.kind, domains: config.domains }, 'tempmail ready');

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      ready = false; // /readyz answers 503 while draining
      log.info('shutting down: draining');
      await smtp.close(config.shutdownGraceMs);
      hub.close();
      front?.beginClosing(); // the front's answers from now on close their connections
      waits.close(); // held waits answer 503 now, so closing HTTP need not wait for them
      await http.close();
      await sweeper.stop();
      gone.stop();
      scrubber.close();
      await parser.close();
      await senderAuth?.close();
      await customDomains.stop();
      await webhooks.stop(Math.min(config.shutdownGraceMs, 5000));
      await bus.close();
      await rateLimits.close();
      await store.close();
      await keyring.close();
      log.info('stopped');
    })();
    return stopping;
  };
  return { httpPort, smtpPort, adapters, http, smtp, stop };
}

/** Answers false when the data disk has less free space than the configured margin. */
function diskRoomCheck(config: Config): (() => boolean) | undefined {
  if (config.databaseUrl || config.minFreeDiskBytes === 0) return undefined;
  let cached = { at: 0, ok: true };
  return () => {
    const now = Date.now();
    if (now - cached.at > 1000) {
      try {
        const s = statfsSync(config.dataDir);
        cached = { at: now, ok: s.bavail * s.bsize >= config.minFreeDiskBytes };
      } catch {
        cached = { at: now, ok: true };
      }
    }
    return cached.ok;
  };
}
