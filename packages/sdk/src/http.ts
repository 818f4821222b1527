/**
 * The HTTP layer shared by the keyed and the anonymous clients: builds URLs, sends with the
 * global `fetch` (or the one given), maps errors, records `X-RateLimit-*`, and optionally
 * retries 429 answers after their `Retry-After`.
 */
import { errorFromResponse, NetworkError, parseRetryAfter, RateLimitError, TempMailError } from './errors.js';
import type { RateLimit } from './types.js';

/** The default base URL: a TempMail server on this machine. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** Options shared by both clients. */
export interface HttpOptions {
  /** Where the service answers; default `http://127.0.0.1:8080`. A path prefix is kept. */
  baseUrl?: string;
  /** Time one HTTP request may take, in ms; default 30 000. */
  timeoutMs?: number;
  /**
   * How many times a 429 or 503 answer is retried after its `Retry-After` (1 s when it has
   * none; at most 5 retries); default 3. `0` throws `RateLimitError` / `ServerError` at once.
   */
  maxRetries?: number;
  /** A 429 or 503 whose `Retry-After` is longer than this (ms) is not retried; default 60 000. */
  maxRetryDelayMs?: number;
  /** The fetch implementation; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** One request: method, path below the base URL, query, and an optional form body. */
export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  form?: Query;
  /** This request's time limit in ms (a held wait needs more than the default). */
  timeoutMs?: number;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** The HTTP client behind `TempMail` and `AnonymousTempMail`. */
export class HttpTransport {
  readonly baseUrl: string;
  /** `X-RateLimit-*` of the latest answer that carried them; null before. */
  rateLimit: RateLimit | null = null;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly headers: Record<string, string>;
  /** The API key (a true private field: not shown by console.log or JSON). */
  readonly #bearer: string | null;

  constructor(opts: HttpOptions, bearer: string | null) {
    this.#bearer = bearer;
    this.baseUrl = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxRetries = Math.min(5, Math.max(0, Math.floor(opts.maxRetries ?? 3)));
    this.maxRetryDelayMs = opts.maxRetryDelayMs ?? 60_000;
    const f = opts.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('No global fetch: pass options.fetch (Node 18+ has one).');
    this.fetchImpl = f.bind(globalThis);
    this.headers = { ...(opts.headers ?? {}) };
  }

  /** The absolute URL of `path` with `query` (undefined and null values left out). */
  url(path: string, query: Query = {}): string {
    const qs = encode(query);
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Sends and parses a JSON answer. */
  async json<T>(call: Call): Promise<T> {
    const res = await this.send(call);
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new TempMailError(`Expected JSON from ${call.path}, got ${res.headers.get('content-type') ?? 'no content type'}`, { status: res.status, code: 'bad_response', body: text, cause: e });
    }
  }

  /** Sends and answers the 2xx `Response` (body unread); throws a `TempMailError` otherwise. */
  async send(call: Call): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.once(call);
      if (res.ok) return res;
      const err = errorFromResponse(res.status, await res.text().catch(() => ''), res.headers, this.rateLimit);
      if ((err instanceof RateLimitError || res.status === 503) && attempt < this.maxRetries) {
        const retryAfter = err instanceof RateLimitError ? err.retryAfter : parseRetryAfter(res.headers.get('retry-after'));
        const waitMs = (retryAfter ?? 1) * 1000;
        if (waitMs <= this.maxRetryDelayMs) {
          await sleep(waitMs);
          continue;
        }
      }
      throw err;
    }
  }

  private async once(call: Call): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (this.#bearer !== null) headers.authorization = `Bearer ${this.#bearer}`;
    let body: string | undefined;
    if (call.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = encode(call.form);
    }
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const cancel = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', cancel, { once: true });
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(call.path, call.query), { method: call.method, headers, body, signal: controller.signal });
    } catch (e) {
      if (call.signal?.aborted) throw call.signal.reason ?? e;
      const timedOut = controller.signal.aborted;
      throw new NetworkError(timedOut
        ? `${call.method} ${call.path} timed out after ${timeoutMs} ms`
        : `${call.method} ${call.path} failed: ${(e as Error)?.message ?? e}`, { code: timedOut ? 'timeout' : 'network_error', cause: e });
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', cancel);
    }
    this.recordRateLimit(res.headers);
    return res;
  }

  private recordRateLimit(headers: Headers): void {
    const limit = headers.get('x-ratelimit-limit');
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset');
    if (limit === null || remaining === null || reset === null) return;
    const r = Number(reset);
    this.rateLimit = { limit: Number(limit), remaining: Number(remaining), reset: r, resetAt: new Date(Date.now() + r * 1000) };
  }
}

/** `application/x-www-form-urlencoded` of the defined values. */
function encode(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    params.append(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return params.toString();
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The file name of a `Content-Disposition` header (RFC 6266 `filename*` preferred). */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[2].trim());
    } catch { /* fall through to filename= */ }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  if (!plain) return null;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim();
}
