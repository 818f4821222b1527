/**
 * Typed errors. Every failure of a call is a `TempMailError`; HTTP errors carry the
 * contract's `{"error":{"code","message"}}` and the status, and are one subclass per status
 * so they can be caught by kind (`err instanceof NotFoundError`).
 */
import type { RateLimit } from './types.js';

/** Base class of every error this SDK throws. */
export class TempMailError extends Error {
  /** HTTP status, or 0 when no HTTP answer was received (network error, timeout, wait timeout). */
  readonly status: number;
  /** The API's error code (`not_found`, `rate_limited`, …) or an SDK code (`network_error`, `timeout`, `wait_timeout`). */
  readonly code: string;
  /** The parsed error body, when there was one. */
  readonly body: unknown;

  constructor(message: string, opts: { status?: number; code?: string; body?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status ?? 0;
    this.code = opts.code ?? 'error';
    this.body = opts.body;
  }
}

/** 400: a parameter is missing or invalid. */
export class BadRequestError extends TempMailError {}
/** 401: the key is missing, unknown or revoked (or the mailbox token is wrong). */
export class AuthenticationError extends TempMailError {}
/** 403: the key's plan does not allow this (webhooks and custom domains need premium). */
export class PermissionDeniedError extends TempMailError {}
/** 404: no such mailbox, message, webhook or domain — also an expired one and one of another key. */
export class NotFoundError extends TempMailError {}
/** 409: conflict (domain claimed elsewhere or not verified, too many webhooks, …). */
export class ConflictError extends TempMailError {}
/** 413 / 414: the request or the stored message is too large. */
export class PayloadTooLargeError extends TempMailError {}
/** 5xx: the service failed or is unavailable. */
export class ServerError extends TempMailError {}

/** 429: rate limited. `retryAfter` is the server's `Retry-After` in seconds (null when absent). */
export class RateLimitError extends TempMailError {
  readonly retryAfter: number | null;
  readonly rateLimit: RateLimit | null;

  constructor(message: string, opts: { status?: number; code?: string; body?: unknown; retryAfter: number | null; rateLimit: RateLimit | null }) {
    super(message, opts);
    this.retryAfter = opts.retryAfter;
    this.rateLimit = opts.rateLimit;
  }
}

/** No HTTP answer: connection refused, DNS failure, reset, or the request timed out (`code: 'timeout'`). */
export class NetworkError extends TempMailError {}

/** `waitForMessage` saw no matching message before its timeout. */
export class WaitTimeoutError extends TempMailError {}

const BY_STATUS: Record<number, typeof TempMailError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  414: PayloadTooLargeError,
};

/** Builds the fitting error for a non-2xx answer whose body has been read as text. */
export function errorFromResponse(status: number, text: string, headers: Headers, rateLimit: RateLimit | null): TempMailError {
  let body: unknown = text;
  let code = `http_${status}`;
  let message = `HTTP ${status}`;
  try {
    body = JSON.parse(text);
    const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof err?.code === 'string') code = err.code;
    if (typeof err?.message === 'string') message = err.message;
  } catch {
    if (text.trim()) message = `HTTP ${status}: ${text.trim().slice(0, 200)}`;
  }
  if (status === 429) {
    return new RateLimitError(message, { status, code, body, retryAfter: parseRetryAfter(headers.get('retry-after')), rateLimit });
  }
  const Kind = BY_STATUS[status] ?? (status >= 500 ? ServerError : TempMailError);
  return new Kind(message, { status, code, body });
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
