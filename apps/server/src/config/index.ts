/**
 * The only reader of process.env. Every setting has its default beside it; a bad value stops
 * start-up with one line naming the variable (ConfigError).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Resolver } from 'node:dns';
import type { ParserOptions } from '../ingest/parser/types.js';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export interface MetricsSettings {
  /** TEMPMAIL_METRICS=off: nothing is measured and /metrics answers 404. */
  enabled: boolean;
  /** TEMPMAIL_METRICS_TOKEN: a bearer token that opens /metrics to other addresses (null: loopback only). */
  token: string | null;
}

export interface Config {
  host: string;
  port: number;
  smtpPort: number;
  dataDir: string;
  /** Built web page and docs to serve at / (null: the copy beside the server). */
  webRoot: string | null;
  /** Where epoch key-encryption keys live: apart from DATA_DIR, never in its backups. */
  keyringDir: string;
  /** Length of a key epoch: a KEK is destroyed once its epoch has ended. */
  keyEpochSeconds: number;
  databaseUrl: string | null;
  /** PostgreSQL schema of the message store (TEMPMAIL_PG_SCHEMA, default public). */
  pgSchema: string;
  /** PostgreSQL schema of the keyring (TEMPMAIL_PG_KEYRING_SCHEMA; default tempmail_keyring, or <pgSchema>_keyring when TEMPMAIL_PG_SCHEMA is set). */
  pgKeyringSchema: string;
  /** Optional separate database for the keyring (TEMPMAIL_KEYRING_DATABASE_URL); null = DATABASE_URL. */
  keyringDatabaseUrl: string | null;
  redisUrl: string | null;
  domains: string[];
  ttlSeconds: number;
  minTtlSeconds: number;
  maxTtlSeconds: number;
  /** Base64 master key from TEMPMAIL_MASTER_KEY(_FILE); null = generate beside the keyring (TEMPMAIL_KEYRING_DIR). */
  masterKey: Buffer | null;
  maxMessageBytes: number;
  logLevel: string;
  /** V8 heap growing factor, percent over 1 (TEMPMAIL_HEAP_GROWING_PERCENT; 0 = V8's default). */
  heapGrowingPercent: number;
  /**
   * Plaintext in memory (docs/encryption.md): seconds a decrypted summary, view or listing may be
   * served from memory (TEMPMAIL_PLAINTEXT_CACHE_SECONDS, 0 = not kept), and the delay of the full
   * collection after a mailbox's plaintext is dropped (TEMPMAIL_MEMORY_SCRUB_MS, 0 = V8 decides).
   */
  plaintextCacheMs: number;
  memoryScrubMs: number;
  mxHost: string;
  dnsServers: string[];
  /** Custom-domain MX checks (issue 8). */
  customDomains: CustomDomainSettings;
  webhookAllowHosts: string[];
  /** Webhook delivery limits (issue 6). */
  webhooks: WebhookSettings;
  anonRatePerMinute: number;
  rateFreePerMinute: number;
  ratePremiumPerMinute: number;
  /** Length of the rate-limit window for /v1, /api and /ws (TEMPMAIL_RATE_WINDOW_SECONDS; the rates are per window). */
  rateWindowSeconds: number;
  maxMessagesPerMailbox: number;
  maxMailboxBytes: number;
  tlsCert: string | null;
  tlsKey: string | null;
  trustProxy: string[];
  /** TEMPMAIL_PUBLIC_URL: where browsers reach the service (its own origin); null = the local addresses of PORT. */
  publicUrl: string | null;
  /** TEMPMAIL_ALLOWED_ORIGINS: other browser origins (scheme://host[:port]) allowed to use /api and the WebSockets. */
  allowedOrigins: string[];
  smtp: SmtpLimits;
  /** The MIME parser: its limits and processes (ingest/parser/). */
  parser: ParserOptions;
  http: HttpLimits;
  /** Held requests of wait.php (docs/configuration.md). */
  wait: WaitSettings;
  /** Sender authentication (SPF, DKIM, DMARC, ARC) after each message is stored (issue 21). */
  authChecks: AuthCheckSettings;
  /** Where the CLI's client commands (new, inbox, wait) send requests, and with which key. */
  client: { url: string | null; key: string | null };
  plans: PlanLimits;
  /**
   * Live anonymous mailboxes one client address (IPv4, IPv6 /64) may hold, all its browsers
   * together: the ceiling for a whole NAT (0 = unlimited; also off when TEMPMAIL_ANON_RATE=0).
   */
  anonMailboxesPerIp: number;
  /** Live anonymous mailboxes one browser behind that address may hold (0 = no per-browser cap). */
  anonMailboxesPerBrowser: number;
  /** Chosen local parts (`name=` of generate_email.php): allowed at all, and the names refused. */
  customNames: { enabled: boolean; reserved: ReadonlySet<string> };
  sweepIntervalMs: number;
  shutdownGraceMs: number;
  /** GET /metrics (docs/observability.md): on by default; loopback only unless a token is set. */
  metrics: MetricsSettings;
  /** TEMPMAIL_LOG_ADDRESSES=1: transaction logs carry addresses and subjects in clear (default: hashed). */
  logAddresses: boolean;
  /** TEMPMAIL_RECEIPT_KEY_FILE: the receipt-signing key (PEM); null = TEMPMAIL_KEYRING_DIR/receipts-ed25519.pem. */
  receiptKeyFile: string | null;
  minFreeDiskBytes: number;
  /** Time limits of every PostgreSQL and Redis call and of the readiness probes. */
  timeouts: DependencyTimeouts;
}

/** A stopped or frozen PostgreSQL or Redis costs a caller at most these times, never a hang. */
export interface DependencyTimeouts {
  /** Opening a PostgreSQL connection, or waiting for a free one in the pool (TEMPMAIL_PG_CONNECT_TIMEOUT_MS). */
  pgConnectMs: number;
  /** One PostgreSQL statement: statement_timeout on the server and a read timeout in the client (TEMPMAIL_PG_QUERY_TIMEOUT_MS). */
  pgQueryMs: number;
  /** Opening a Redis connection (TEMPMAIL_REDIS_CONNECT_TIMEOUT_MS). */
  redisConnectMs: number;
  /** One Redis command (TEMPMAIL_REDIS_COMMAND_TIMEOUT_MS). */
  redisCommandMs: number;
  /** Each dependency's answer to a /readyz probe (TEMPMAIL_READY_TIMEOUT_MS). */
  readyProbeMs: number;
}

export interface SmtpLimits {
  maxClients: number;
  maxClientsPerIp: number;
  maxRecipients: number;
  maxMessagesPerSession: number;
  socketTimeoutMs: number;
  sessionDeadlineMs: number;
  minDataRateBytesPerSec: number;
  maxLineBytes: number;
  /** Rejected RCPTs (unknown mailbox, foreign domain) a session may make before it is closed with 421 (0 = unlimited). */
  maxRejectedRecipients: number;
  /** During DATA, each window of this length must bring at least minDataRateBytesPerSec * window bytes. */
  dataRateWindowMs: number;
  /** Bare LF line endings in DATA: 'normalize' (to CRLF, as Postfix 3.9) or 'reject' (550 5.6.11). */
  bareLf: 'normalize' | 'reject';
}

export interface AuthCheckSettings {
  /** TEMPMAIL_AUTH_CHECKS: on (default) or off. */
  enabled: boolean;
  /** Deadline of one DNS query (TEMPMAIL_AUTH_DNS_TIMEOUT_MS); a query past it is a temperror. */
  dnsTimeoutMs: number;
  /** Deadline of a whole message's checks (TEMPMAIL_AUTH_DEADLINE_MS). */
  deadlineMs: number;
  /** Messages checked at once (TEMPMAIL_AUTH_CONCURRENCY). */
  concurrency: number;
  /** Bytes of raw messages queued for checking (TEMPMAIL_AUTH_QUEUE_BYTES); beyond, a message gets temperror. */
  queueBytes: number;
  /** DNS answers kept (TEMPMAIL_AUTH_DNS_CACHE_ENTRIES). */
  cacheEntries: number;
}

export interface WaitSettings {
  /** Longest a wait.php request is held, and its default (TEMPMAIL_WAIT_MAX_SECONDS, default 60). */
  maxSeconds: number;
  /** Waits one key (or anonymous client address) may hold at once per node (TEMPMAIL_WAIT_MAX_PER_KEY). */
  maxPerKey: number;
  /** wait.php requests per rate window per free / premium key, counted apart from other calls. */
  rateFreePerMinute: number;
  ratePremiumPerMinute: number;
  /**
   * Hold waits on the front's own connections rather than in node:http (TEMPMAIL_WAIT_FRONT,
   * default on; http/front/): a held wait then costs a socket and a record.
   */
  front: boolean;
}

export interface HttpLimits {
  bodyLimitBytes: number;
  maxQueryBytes: number;
  wsMaxFrameBytes: number;
  wsIdleMs: number;
  wsHeartbeatMs: number;
  maxConnectionsPerIp: number;
  failedAuthPerMinute: number;
  /** Time to receive a whole HTTP request, headers and body (slow clients are cut off). */
  requestTimeoutMs: number;
  /** Open HTTP connections in total, WebSockets included (0 = unlimited). */
  maxConnections: number;
  /** Bytes of one inbox listing's JSON answer; a longer one stops early and says where to go on. */
  listMaxBytes: number;
  /** Unsent bytes one WebSocket may hold before it is closed as a slow consumer (1013). */
  wsMaxBufferedBytes: number;
  /** Open WebSockets per mailbox and per API key, on one node (0 = unlimited). */
  wsMaxPerMailbox: number;
  wsMaxPerKey: number;
}

export interface CustomDomainSettings {
  /** First re-check of a pending or suspended domain; doubles after each miss (TEMPMAIL_DOMAIN_RECHECK_MS). */
  recheckMs: number;
  /** Upper bound of that back-off (TEMPMAIL_DOMAIN_RECHECK_MAX_MS). */
  recheckMaxMs: number;
  /** How often a verified domain's MX record is checked again (TEMPMAIL_DOMAIN_VERIFIED_RECHECK_MS). */
  verifiedRecheckMs: number;
  /** Time one MX lookup may take (TEMPMAIL_DNS_TIMEOUT_MS). */
  dnsTimeoutMs: number;
  /** Custom domains one premium key may hold (TEMPMAIL_MAX_DOMAINS_PER_KEY; 0 = unlimited). */
  maxPerKey: number;
}

export interface WebhookSettings {
  /** Time one delivery attempt may take, connect to status line (TEMPMAIL_WEBHOOK_TIMEOUT_MS, default 10 s). */
  timeoutMs: number;
  /** Backoff base: retry n waits base * 2^(n-1), half of it jittered (TEMPMAIL_WEBHOOK_RETRY_BASE_MS, default 10 s, at most 30 s). */
  retryBaseMs: number;
  /** Longest wait between two attempts (TEMPMAIL_WEBHOOK_RETRY_MAX_MS, default 30 min). */
  retryMaxMs: number;
  /** Deliveries in flight at once, in this process (TEMPMAIL_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** Deliveries in flight at once to one webhook (TEMPMAIL_WEBHOOK_PER_HOOK_CONCURRENCY). */
  perWebhookConcurrency: number;
  /** Deliveries in flight at once to one scheme://host:port (TEMPMAIL_WEBHOOK_PER_HOST_CONCURRENCY). */
  perHostConcurrency: number;
  /** How often due retries are looked for (TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS); new messages wake the dispatcher at once. */
  scanIntervalMs: number;
  /** Webhooks one mailbox may have (TEMPMAIL_WEBHOOK_MAX_PER_MAILBOX). */
  maxPerMailbox: number;
  /** Delivery-log entries kept per webhook (TEMPMAIL_WEBHOOK_LOG_KEEP). */
  logKeep: number;
}

export interface PlanLimits {
  free: { liveMailboxes: number; maxTtlSeconds: number; messagesPerMailbox: number };
  premium: { liveMailboxes: number; maxTtlSeconds: number; messagesPerMailbox: number };
}

type Env = Record<string, string | undefined>;

/** Reads VAR, or the contents of the file named by VAR_FILE (for secrets). */
function raw(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  return undefined;
}

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const n = Number(value.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'on', 'yes'].includes(value)) return true;
  if (['0', 'false', 'off', 'no'].includes(value)) return false;
  throw new ConfigError(name, `must be on or off, got "${value}"`);
}

/**
 * Local parts nobody may choose (TEMPMAIL_RESERVED_NAMES adds more): the role addresses of
 * RFC 2142 and the names certificate authorities and providers trust for domain control.
 */
const RESERVED_NAMES = [
  'abuse', 'admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster', 'root', 'security', 'ssl-admin',
  'ssladmin', 'ssladministrator', 'it', 'info', 'support', 'noc', 'marketing', 'sales', 'billing', 'mailer-daemon',
  'nobody', 'noreply', 'no-reply', 'www', 'ftp', 'usenet', 'news', 'uucp', 'help', 'contact', 'privacy', 'legal',
];

function list(env: Env, name: string, fallback: string[] = []): string[] {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A PostgreSQL schema name we can use unquoted-safe: lower case letters, digits, underscore. */
function pgIdentifier(name: string, value: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) throw new ConfigError(name, `must be a schema name of a-z, 0-9 and _ (at most 63), got "${value}"`);
  return value;
}

function metricsSettings(env: Env): MetricsSettings {
  const token = raw(env, 'TEMPMAIL_METRICS_TOKEN') ?? null;
  // A guessable token would open the endpoint to anyone: same bar as an API key's entropy, roughly.
  if (token !== null && token.length < 16) throw new ConfigError('TEMPMAIL_METRICS_TOKEN', 'must be at least 16 characters');
  return { enabled: flag(env, 'TEMPMAIL_METRICS', true), token };
}

function bareLfPolicy(env: Env): 'normalize' | 'reject' {
  const value = (raw(env, 'TEMPMAIL_SMTP_BARE_LF') ?? 'normalize').trim().toLowerCase();
  if (value !== 'normalize' && value !== 'reject') throw new ConfigError('TEMPMAIL_SMTP_BARE_LF', `must be normalize or reject, got "${value}"`);
  return value;
}

/** An on/off switch: on, off, true, false, 1, 0. */
function onOff(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(name, `must be on or off, got "${value}"`);
}

/** TEMPMAIL_DNS_SERVERS: IP or IP:port entries (IPv6 with a port as [::1]:53), as node:dns takes them. */
function dnsServerList(env: Env): string[] {
  const servers = list(env, 'TEMPMAIL_DNS_SERVERS');
  try {
    if (servers.length > 0) new Resolver().setServers(servers);
  } catch {
    throw new ConfigError('TEMPMAIL_DNS_SERVERS', `must be a comma list of IP or IP:port entries (IPv6 with a port as [::1]:53), got "${servers.join(',')}"`);
  }
  return servers;
}

/** A comma list of browser origins, each with its scheme (https://app.example.com), normalised. */
function origins(env: Env, name: string): string[] {
  return list(env, name).map((value) => {
    try {
      const u = new URL(value);
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    } catch { /* reported below */ }
    throw new ConfigError(name, `"${value}" is not an origin with its scheme (like https://mail.example.com)`);
  });
}

const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Builds the validated configuration from an environment (process.env by default). */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const smtpPort = int(env, 'SMTP_PORT', 2525, 0, 65535);
  const domains = list(env, 'TEMPMAIL_DOMAINS', ['tempmail.local']).map((d) => d.toLowerCase().replace(/\.$/, ''));
  if (domains.length === 0) throw new ConfigError('TEMPMAIL_DOMAINS', 'needs at least one domain');
  for (const d of domains) if (!DOMAIN_RE.test(d)) throw new ConfigError('TEMPMAIL_DOMAINS', `"${d}" is not a domain name`);

  const ttlSeconds = int(env, 'TEMPMAIL_TTL_SECONDS', 3600, 1);
  const minTtlSeconds = int(env, 'TEMPMAIL_MIN_TTL_SECONDS', 60, 1);
  const maxTtlSeconds = int(env, 'TEMPMAIL_MAX_TTL_SECONDS', 7 * 24 * 3600, 1);
  if (minTtlSeconds > maxTtlSeconds) {
    throw new ConfigError('TEMPMAIL_MIN_TTL_SECONDS', `(${minTtlSeconds}) is above TEMPMAIL_MAX_TTL_SECONDS (${maxTtlSeconds})`);
  }
  if (ttlSeconds < minTtlSeconds || ttlSeconds > maxTtlSeconds) {
    throw new ConfigError('TEMPMAIL_TTL_SECONDS', `(${ttlSeconds}) must lie within TEMPMAIL_MIN_TTL_SECONDS..TEMPMAIL_MAX_TTL_SECONDS (${minTtlSeconds}..${maxTtlSeconds})`);
  }

  let masterKey: Buffer | null = null;
  const mk = raw(env, 'TEMPMAIL_MASTER_KEY');
  if (mk !== undefined) {
    masterKey = Buffer.from(mk.trim(), 'base64');
    if (masterKey.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(mk.trim())) {
      throw new ConfigError('TEMPMAIL_MASTER_KEY', 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
    }
  }

  const databaseUrl = raw(env, 'DATABASE_URL') ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL (unset it for the embedded SQLite store)');
  }
  const pgSchemaSet = raw(env, 'TEMPMAIL_PG_SCHEMA');
  const pgSchema = pgIdentifier('TEMPMAIL_PG_SCHEMA', pgSchemaSet ?? 'public');
  const pgKeyringSchema = pgIdentifier('TEMPMAIL_PG_KEYRING_SCHEMA', raw(env, 'TEMPMAIL_PG_KEYRING_SCHEMA') ?? (pgSchemaSet ? `${pgSchema}_keyring` : 'tempmail_keyring'));
  if (pgKeyringSchema === pgSchema) throw new ConfigError('TEMPMAIL_PG_KEYRING_SCHEMA', 'must differ from TEMPMAIL_PG_SCHEMA (the keyring stays apart from the messages)');
  const keyringDatabaseUrl = raw(env, 'TEMPMAIL_KEYRING_DATABASE_URL') ?? null;
  if (keyringDatabaseUrl !== null && !/^postgres(ql)?:\/\//.test(keyringDatabaseUrl)) {
    throw new ConfigError('TEMPMAIL_KEYRING_DATABASE_URL', 'must be a postgres:// URL');
  }
  if (keyringDatabaseUrl !== null && databaseUrl === null) {
    throw new ConfigError('TEMPMAIL_KEYRING_DATABASE_URL', 'needs DATABASE_URL (the SQLite keyring lives in TEMPMAIL_KEYRING_DIR)');
  }
  const redisUrl = raw(env, 'REDIS_URL') ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');

  const tlsCert = raw(env, 'TEMPMAIL_TLS_CERT') ?? null;
  const tlsKey = raw(env, 'TEMPMAIL_TLS_KEY') ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) {
    throw new ConfigError(tlsCert === null ? 'TEMPMAIL_TLS_CERT' : 'TEMPMAIL_TLS_KEY', 'TEMPMAIL_TLS_CERT and TEMPMAIL_TLS_KEY go together');
  }

  const logLevel = raw(env, 'LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }

  const dataDir = path.resolve(raw(env, 'DATA_DIR') ?? './data');
  const anonRatePerMinute = int(env, 'TEMPMAIL_ANON_RATE', 120);
  const maxMessagesPerMailbox = int(env, 'TEMPMAIL_MAX_MESSAGES_PER_MAILBOX', 500);

  return {
    host: raw(env, 'HOST') ?? '127.0.0.1',
    port,
    smtpPort,
    dataDir,
    webRoot: raw(env, 'TEMPMAIL_WEB_ROOT') ? path.resolve(raw(env, 'TEMPMAIL_WEB_ROOT')!) : null,
    keyringDir: path.resolve(raw(env, 'TEMPMAIL_KEYRING_DIR') ?? `${dataDir}-keyring`),
    keyEpochSeconds: int(env, 'TEMPMAIL_KEY_EPOCH_SECONDS', 3600, 1, 7 * 24 * 3600),
    databaseUrl,
    pgSchema,
    pgKeyringSchema,
    keyringDatabaseUrl,
    redisUrl,
    domains,
    ttlSeconds,
    minTtlSeconds,
    maxTtlSeconds,
    masterKey,
    maxMessageBytes: int(env, 'TEMPMAIL_MAX_MESSAGE_BYTES', 25 * 1024 * 1024, 1024),
    logLevel,
    heapGrowingPercent: int(env, 'TEMPMAIL_HEAP_GROWING_PERCENT', 300, 0, 1000),
    plaintextCacheMs: int(env, 'TEMPMAIL_PLAINTEXT_CACHE_SECONDS', 60, 0, 3600) * 1000,
    memoryScrubMs: int(env, 'TEMPMAIL_MEMORY_SCRUB_MS', 5000, 0, 600_000),
    mxHost: (raw(env, 'TEMPMAIL_MX_HOST') ?? `mx.${domains[0]}`).toLowerCase().replace(/\.$/, ''),
    dnsServers: dnsServerList(env),
    customDomains: {
      recheckMs: int(env, 'TEMPMAIL_DOMAIN_RECHECK_MS', 30_000, 50),
      recheckMaxMs: int(env, 'TEMPMAIL_DOMAIN_RECHECK_MAX_MS', 3_600_000, 50),
      verifiedRecheckMs: int(env, 'TEMPMAIL_DOMAIN_VERIFIED_RECHECK_MS', 6 * 3_600_000, 50),
      dnsTimeoutMs: int(env, 'TEMPMAIL_DNS_TIMEOUT_MS', 5000, 100, 60_000),
      maxPerKey: int(env, 'TEMPMAIL_MAX_DOMAINS_PER_KEY', 50),
    },
    webhookAllowHosts: list(env, 'TEMPMAIL_WEBHOOK_ALLOW_HOSTS'),
    webhooks: {
      timeoutMs: int(env, 'TEMPMAIL_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      retryBaseMs: int(env, 'TEMPMAIL_WEBHOOK_RETRY_BASE_MS', 10_000, 10, 30_000),
      retryMaxMs: int(env, 'TEMPMAIL_WEBHOOK_RETRY_MAX_MS', 30 * 60_000, 10, 24 * 3_600_000),
      concurrency: int(env, 'TEMPMAIL_WEBHOOK_CONCURRENCY', 256, 1, 10_000),
      perWebhookConcurrency: int(env, 'TEMPMAIL_WEBHOOK_PER_HOOK_CONCURRENCY', 4, 1, 1000),
      perHostConcurrency: int(env, 'TEMPMAIL_WEBHOOK_PER_HOST_CONCURRENCY', 32, 1, 10_000),
      scanIntervalMs: int(env, 'TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS', 1000, 20, 60_000),
      maxPerMailbox: int(env, 'TEMPMAIL_WEBHOOK_MAX_PER_MAILBOX', 5, 1, 100),
      logKeep: int(env, 'TEMPMAIL_WEBHOOK_LOG_KEEP', 20, 1, 1000),
    },
    anonRatePerMinute,
    rateFreePerMinute: int(env, 'TEMPMAIL_RATE_FREE', 60, 1),
    ratePremiumPerMinute: int(env, 'TEMPMAIL_RATE_PREMIUM', 600, 1),
    rateWindowSeconds: int(env, 'TEMPMAIL_RATE_WINDOW_SECONDS', 60, 1, 24 * 3600),
    maxMessagesPerMailbox,
    maxMailboxBytes: int(env, 'TEMPMAIL_MAX_MAILBOX_BYTES', 100 * 1024 * 1024),
    tlsCert,
    tlsKey,
    trustProxy: list(env, 'TEMPMAIL_TRUST_PROXY'),
    publicUrl: origins(env, 'TEMPMAIL_PUBLIC_URL')[0] ?? null,
    allowedOrigins: origins(env, 'TEMPMAIL_ALLOWED_ORIGINS'),
    smtp: {
      maxClients: int(env, 'TEMPMAIL_SMTP_MAX_CLIENTS', 5000, 1),
      maxClientsPerIp: int(env, 'TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP', 100, 1),
      maxRecipients: int(env, 'TEMPMAIL_SMTP_MAX_RECIPIENTS', 100, 1),
      maxMessagesPerSession: int(env, 'TEMPMAIL_SMTP_MAX_MESSAGES_PER_SESSION', 10000, 1),
      socketTimeoutMs: int(env, 'TEMPMAIL_SMTP_IDLE_TIMEOUT_MS', 60_000, 1000),
      sessionDeadlineMs: int(env, 'TEMPMAIL_SMTP_SESSION_DEADLINE_MS', 30 * 60_000, 1000),
      minDataRateBytesPerSec: int(env, 'TEMPMAIL_SMTP_MIN_DATA_RATE', 1024),
      maxLineBytes: int(env, 'TEMPMAIL_SMTP_MAX_LINE_BYTES', 4096, 512),
      maxRejectedRecipients: int(env, 'TEMPMAIL_SMTP_MAX_REJECTED_RCPTS', 100),
      dataRateWindowMs: int(env, 'TEMPMAIL_SMTP_DATA_RATE_WINDOW_MS', 10_000, 500),
      bareLf: bareLfPolicy(env),
    },
    parser: {
      maxMimeDepth: int(env, 'TEMPMAIL_MAX_MIME_DEPTH', 32, 1),
      maxMimeParts: int(env, 'TEMPMAIL_MAX_MIME_PARTS', 1000, 1),
      maxHeaderBytes: int(env, 'TEMPMAIL_MAX_HEADER_BYTES', 1024 * 1024, 1024),
      maxAttachments: int(env, 'TEMPMAIL_MAX_ATTACHMENTS', 200, 0),
      maxHeaderFolds: int(env, 'TEMPMAIL_MAX_HEADER_FOLDS', 200, 1),
      maxRfc822Depth: int(env, 'TEMPMAIL_MAX_RFC822_DEPTH', 3, 0, 100),
      workers: int(env, 'TEMPMAIL_PARSE_WORKERS', Math.min(4, availableParallelism()), 0, 64),
      timeoutMs: int(env, 'TEMPMAIL_PARSE_TIMEOUT_MS', 20_000, 100),
      memoryMb: int(env, 'TEMPMAIL_PARSE_MEMORY_MB', 1024, 64, 65_536),
      budgetMs: int(env, 'TEMPMAIL_PARSE_BUDGET_MS', 250, 1),
      costlySenderMs: int(env, 'TEMPMAIL_PARSE_COSTLY_SENDER_SECONDS', 600, 0, 7 * 24 * 3600) * 1000,
      costlyBytesPerSecond: int(env, 'TEMPMAIL_PARSE_COSTLY_BYTES_PER_SECOND', 1024 * 1024, 0),
      maxAgeMs: int(env, 'TEMPMAIL_PARSE_PROCESS_MAX_AGE_SECONDS', 60, 1, 24 * 3600) * 1000,
    },
    http: {
      bodyLimitBytes: int(env, 'TEMPMAIL_HTTP_BODY_LIMIT', 64 * 1024, 1024),
      maxQueryBytes: int(env, 'TEMPMAIL_HTTP_MAX_QUERY_BYTES', 4096, 256),
      wsMaxFrameBytes: int(env, 'TEMPMAIL_WS_MAX_FRAME_BYTES', 4096, 64),
      wsIdleMs: int(env, 'TEMPMAIL_WS_IDLE_MS', 120_000, 1000),
      wsHeartbeatMs: int(env, 'TEMPMAIL_WS_HEARTBEAT_MS', 30_000, 100),
      maxConnectionsPerIp: int(env, 'TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP', 256),
      failedAuthPerMinute: int(env, 'TEMPMAIL_FAILED_AUTH_RATE', 20),
      requestTimeoutMs: int(env, 'TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000),
      maxConnections: int(env, 'TEMPMAIL_HTTP_MAX_CONNECTIONS', 50_000),
      listMaxBytes: int(env, 'TEMPMAIL_LIST_MAX_BYTES', 1024 * 1024, 16 * 1024),
      wsMaxBufferedBytes: int(env, 'TEMPMAIL_WS_MAX_BUFFERED_BYTES', 256 * 1024, 4096),
      wsMaxPerMailbox: int(env, 'TEMPMAIL_WS_MAX_PER_MAILBOX', 20),
      wsMaxPerKey: int(env, 'TEMPMAIL_WS_MAX_PER_KEY', 1000),
    },
    client: { url: raw(env, 'TEMPMAIL_URL') ?? null, key: raw(env, 'TEMPMAIL_KEY') ?? null },
    authChecks: {
      enabled: onOff(env, 'TEMPMAIL_AUTH_CHECKS', true),
      dnsTimeoutMs: int(env, 'TEMPMAIL_AUTH_DNS_TIMEOUT_MS', 2000, 50, 30_000),
      deadlineMs: int(env, 'TEMPMAIL_AUTH_DEADLINE_MS', 10_000, 100, 120_000),
      concurrency: int(env, 'TEMPMAIL_AUTH_CONCURRENCY', 16, 1, 1000),
      queueBytes: int(env, 'TEMPMAIL_AUTH_QUEUE_BYTES', 64 * 1024 * 1024, 1024),
      cacheEntries: int(env, 'TEMPMAIL_AUTH_DNS_CACHE_ENTRIES', 10_000, 0, 1_000_000),
    },
    wait: {
      maxSeconds: int(env, 'TEMPMAIL_WAIT_MAX_SECONDS', 60, 1, 300),
      maxPerKey: int(env, 'TEMPMAIL_WAIT_MAX_PER_KEY', 1000, 1),
      rateFreePerMinute: int(env, 'TEMPMAIL_WAIT_RATE_FREE', 600, 1),
      ratePremiumPerMinute: int(env, 'TEMPMAIL_WAIT_RATE_PREMIUM', 6000, 1),
      front: onOff(env, 'TEMPMAIL_WAIT_FRONT', true),
    },
    plans: {
      free: {
        liveMailboxes: int(env, 'TEMPMAIL_FREE_MAX_MAILBOXES', 100),
        maxTtlSeconds: int(env, 'TEMPMAIL_FREE_MAX_TTL_SECONDS', 24 * 3600, 1),
        messagesPerMailbox: int(env, 'TEMPMAIL_FREE_MAX_MESSAGES_PER_MAILBOX', Math.min(100, maxMessagesPerMailbox || 100)),
      },
      premium: {
        liveMailboxes: int(env, 'TEMPMAIL_PREMIUM_MAX_MAILBOXES', 10_000),
        maxTtlSeconds: int(env, 'TEMPMAIL_PREMIUM_MAX_TTL_SECONDS', maxTtlSeconds, 1),
        messagesPerMailbox: int(env, 'TEMPMAIL_PREMIUM_MAX_MESSAGES_PER_MAILBOX', maxMessagesPerMailbox),
      },
    },
    anonMailboxesPerIp: anonRatePerMinute === 0 ? 0 : int(env, 'TEMPMAIL_ANON_MAILBOXES_PER_IP', 200),
    anonMailboxesPerBrowser: anonRatePerMinute === 0 ? 0 : int(env, 'TEMPMAIL_ANON_MAILBOXES_PER_BROWSER', 20),
    customNames: {
      enabled: flag(env, 'TEMPMAIL_CUSTOM_NAMES', true),
      reserved: new Set([...RESERVED_NAMES, ...list(env, 'TEMPMAIL_RESERVED_NAMES').map((n) => n.toLowerCase())]),
    },
    sweepIntervalMs: int(env, 'TEMPMAIL_SWEEP_INTERVAL_MS', 5000, 50),
    shutdownGraceMs: int(env, 'TEMPMAIL_SHUTDOWN_GRACE_MS', 10_000, 0),
    metrics: metricsSettings(env),
    logAddresses: flag(env, 'TEMPMAIL_LOG_ADDRESSES', false),
    receiptKeyFile: env.TEMPMAIL_RECEIPT_KEY_FILE ? path.resolve(env.TEMPMAIL_RECEIPT_KEY_FILE) : null,
    minFreeDiskBytes: int(env, 'TEMPMAIL_MIN_FREE_DISK_BYTES', 256 * 1024 * 1024),
    timeouts: {
      pgConnectMs: int(env, 'TEMPMAIL_PG_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
      pgQueryMs: int(env, 'TEMPMAIL_PG_QUERY_TIMEOUT_MS', 10_000, 100, 3_600_000),
      redisConnectMs: int(env, 'TEMPMAIL_REDIS_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
      redisCommandMs: int(env, 'TEMPMAIL_REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 600_000),
      readyProbeMs: int(env, 'TEMPMAIL_READY_TIMEOUT_MS', 2000, 50, 60_000),
    },
  };
}
