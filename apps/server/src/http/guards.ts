/**
 * Authentication and rate limits for HTTP and WebSocket entry points. Every /v1 answer carries
 * X-RateLimit-*; past the limit it is 429 with Retry-After. Failed key lookups are counted per
 * client IP, and once over their limit no lookup is made at all, so keys cannot be guessed.
 * Counters live behind the RateLimitStore port (memory, or Redis for several nodes): one atomic
 * hit per request, so the counts are exact under concurrency.
 */
import type { Server } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, unauthorized } from '../domain/errors.js';
import type { ApiKeyRecord } from '../domain/types.js';
import { authenticateApiKey } from '../keys/api-keys.js';
import type { RateLimitScope } from '../metrics/metrics.js';
import type { RateLimitDecision, RateLimitStore } from '../ports/rate-limit-store.js';
import type { ApiKeyStore } from '../ports/store.js';
import { addressKey, type TrustCheck } from './client-ip.js';

const MINUTE = 60_000;

export interface GuardConfig {
  anonPerMinute: number;
  freePerMinute: number;
  premiumPerMinute: number;
  failedAuthPerMinute: number;
  /** wait.php requests per window per key, a budget apart from other calls (a held wait costs nothing more). */
  waitFreePerMinute?: number;
  waitPremiumPerMinute?: number;
  /** Window of every limit above (TEMPMAIL_RATE_WINDOW_SECONDS); default one minute. */
  windowMs?: number;
}

export type HeaderSink = (name: string, value: string) => void;

function rateHeaders(d: RateLimitDecision, set: HeaderSink): void {
  set('X-RateLimit-Limit', String(d.limit));
  set('X-RateLimit-Remaining', String(d.remaining));
  set('X-RateLimit-Reset', String(Math.max(0, Math.ceil(d.resetMs / 1000))));
}

function limited(d: RateLimitDecision, what: string): AppError {
  return new AppError('rate_limited', `Rate limit exceeded for ${what}; retry after the window resets.`, {
    'Retry-After': String(Math.max(1, Math.ceil(d.resetMs / 1000))),
  });
}

/** The key a request presents: `key=` in the query or form body, or `Authorization: Bearer`. */
export function presentedKey(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const q = (request.query as Record<string, unknown> | undefined)?.key;
  if (typeof q === 'string' && q) return q;
  const b = (request.body as Record<string, unknown> | undefined)?.key;
  if (typeof b === 'string' && b) return b;
  return null;
}

export class Guards {
  private readonly windowMs: number;
  /** Told about every key that authenticates (keeps the plan cache of SMTP ingest fresh). */
  onAuthenticated: (record: ApiKeyRecord) => void = () => {};
  /** Told about every 429 (metrics). */
  onRefused: (scope: RateLimitScope) => void = () => {};

  constructor(
    private readonly limits: RateLimitStore,
    private readonly keys: ApiKeyStore,
    private readonly config: GuardConfig,
  ) {
    this.windowMs = config.windowMs ?? MINUTE;
  }

  /** Counts one anonymous request (or WebSocket connect) from `ip`; throws 429 past the limit. */
  async anonymous(ip: string, set: HeaderSink): Promise<void> {
    if (this.config.anonPerMinute === 0) return;
    const d = await this.limits.hit(`anon:${addressKey(ip)}`, this.config.anonPerMinute, this.windowMs);
    rateHeaders(d, set);
    if (!d.allowed) throw this.refuse('anonymous', limited(d, 'this address'));
  }

  /**
   * Authenticates an API key and counts the request against its plan's limit. Unknown keys
   * count against the client address's failed-lookup limit instead, and their answers (401, or
   * 429 past it) carry that counter in X-RateLimit-*, so every /v1 answer has the headers.
   */
  async apiKey(presented: string | null, ip: string, set: HeaderSink, budget: 'requests' | 'waits' = 'requests'): Promise<ApiKeyRecord> {
    const failKey = `authfail:${addressKey(ip)}`;
    const failLimit = this.config.failedAuthPerMinute;
    if (failLimit > 0) {
      // A read (cost 0): at the limit, no lookup is made at all.
      const peek = await this.limits.hit(failKey, failLimit, this.windowMs, 0);
      if (peek.remaining <= 0) {
        rateHeaders(peek, set);
        throw this.refuse('failed_auth', limited(peek, 'failed key lookups'));
      }
    }
    const record = presented ? await authenticateApiKey(this.keys, presented) : null;
    if (!record) {
      if (failLimit > 0) {
        const d = await this.limits.hit(failKey, failLimit, this.windowMs);
        rateHeaders(d, set);
        if (!d.allowed) throw this.refuse('failed_auth', limited(d, 'failed key lookups'));
      }
      throw unauthorized(presented ? 'Unknown or revoked API key.' : 'An API key is required (key= or Authorization: Bearer).');
    }
    this.onAuthenticated(record);
    const d = budget === 'waits'
      ? await this.limits.hit(`wait:${record.id}`, this.waitsPerWindow(record), this.windowMs)
      : await this.limits.hit(`key:${record.id}`, record.plan === 'premium' ? this.config.premiumPerMinute : this.config.freePerMinute, this.windowMs);
    rateHeaders(d, set);
    if (!d.allowed) throw this.refuse(budget === 'waits' ? 'waits' : 'api_key', limited(d, 'this API key'));
    return record;
  }

  private refuse(scope: RateLimitScope, error: Error): Error {
    this.onRefused(scope);
    return error;
  }

  /** A key's wait.php budget: its own setting, else ten times its request rate. */
  private waitsPerWindow(record: ApiKeyRecord): number {
    return record.plan === 'premium'
      ? this.config.waitPremiumPerMinute ?? 10 * this.config.premiumPerMinute
      : this.config.waitFreePerMinute ?? 10 * this.config.freePerMinute;
  }
}

/** Adapts a Fastify reply to a header sink. */
export const replyHeaders = (reply: FastifyReply): HeaderSink => (name, value) => {
  reply.header(name, value);
};

/**
 * Runs tasks one at a time per key (in this process). Used where a limit is a check followed by
 * a write (live mailboxes per key or per address), so that parallel requests cannot all pass
 * the check before any of them has written.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * Caps open connections per client address on an HTTP server (TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP;
 * WebSockets count, they are connections too). Counted on 'connection', so a connection over
 * the cap is destroyed before a byte of it is read. Trusted proxies are exempt: behind one,
 * every client shares its address, and the per-client limits apply to X-Forwarded-For instead.
 */
export function capConnectionsPerIp(server: Server, max: number, exempt: TrustCheck = () => false): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const peer = socket.remoteAddress ?? '';
    if (exempt(peer)) return;
    const key = addressKey(peer);
    const n = (open.get(key) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(key, n);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
