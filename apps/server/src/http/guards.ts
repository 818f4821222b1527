/**
 * Authentication and rate limits for HTTP and WebSocket entry points. Every /v1 answer carries
 * X-RateLimit-*; past the limit it is 429 with Retry-After. Failed key lookups are counted per
 * client IP, and once over their limit no lookup is made at all, so keys cannot be guessed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, unauthorized } from '../domain/errors.js';
import type { ApiKeyRecord } from '../domain/types.js';
import { authenticateApiKey } from '../keys/api-keys.js';
import type { RateLimitDecision, RateLimitStore } from '../ports/rate-limit-store.js';
import type { ApiKeyStore } from '../ports/store.js';

const MINUTE = 60_000;

export interface GuardConfig {
  anonPerMinute: number;
  freePerMinute: number;
  premiumPerMinute: number;
  failedAuthPerMinute: number;
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
  constructor(
    private readonly limits: RateLimitStore,
    private readonly keys: ApiKeyStore,
    private readonly config: GuardConfig,
  ) {}

  /** Counts one anonymous request (or WebSocket connect) from `ip`; throws 429 past the limit. */
  async anonymous(ip: string, set: HeaderSink): Promise<void> {
    if (this.config.anonPerMinute === 0) return;
    const d = await this.limits.hit(`anon:${ip}`, this.config.anonPerMinute, MINUTE);
    rateHeaders(d, set);
    if (!d.allowed) throw limited(d, 'this address');
  }

  /** Authenticates an API key and counts the request against its plan's limit. */
  async apiKey(presented: string | null, ip: string, set: HeaderSink): Promise<ApiKeyRecord> {
    const failKey = `authfail:${ip}`;
    const failLimit = this.config.failedAuthPerMinute;
    if (failLimit > 0) {
      const peek = await this.limits.hit(failKey, failLimit, MINUTE, 0);
      if (!peek.allowed) throw limited(peek, "failed key lookups");
    }
    const record = presented ? await authenticateApiKey(this.keys, presented) : null;
    if (!record) {
      if (failLimit > 0) {
        const d = await this.limits.hit(failKey, failLimit, MINUTE);
        if (!d.allowed) throw limited(d, 'failed key lookups');
      }
      throw unauthorized(presented ? 'Unknown or revoked API key.' : 'An API key is required (key= or Authorization: Bearer).');
    }
    const perMinute = record.plan === 'premium' ? this.config.premiumPerMinute : this.config.freePerMinute;
    const d = await this.limits.hit(`key:${record.id}`, perMinute, MINUTE);
    rateHeaders(d, set);
    if (!d.allowed) throw limited(d, 'this API key');
    return record;
  }
}

/** Adapts a Fastify reply to a header sink. */
export const replyHeaders = (reply: FastifyReply): HeaderSink => (name, value) => {
  reply.header(name, value);
};
