/**
 * The MCP server's client of a TempMail instance (TEMPMAIL_URL, key TEMPMAIL_KEY): the keyed
 * API v1 over fetch. Honours the service's limits: a 429 is waited out (its Retry-After) when
 * that is short and retried a bounded number of times; otherwise it surfaces as an error that
 * says when to try again. The key is only ever sent as a bearer header.
 */

/** A failed call, with what the caller (a tool) can tell the agent. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, readonly retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  url: string;
  key: string;
  /** 429s waited out per call (each at most `maxRetryWaitSeconds`). */
  maxRetries?: number;
  maxRetryWaitSeconds?: number;
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

export class TempMailApi {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: ApiClientOptions) {
    this.base = o.url.replace(/\/+$/, '');
    this.fetch = o.fetch ?? fetch;
  }

  /** One call; resolves with the parsed JSON answer of a 2xx. */
  async call<T>(method: 'GET' | 'POST', path: string, query: Query, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const maxRetries = this.o.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const signals = [AbortSignal.timeout(opts.timeoutMs ?? 30_000), ...(opts.signal ? [opts.signal] : [])];
      let res: Response;
      try {
        res = await this.fetch(`${this.base}${path}${method === 'GET' && params.size ? `?${params}` : ''}`, {
          method,
          headers: {
            authorization: `Bearer ${this.o.key}`,
            ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          body: method === 'POST' ? params.toString() : undefined,
          signal: AbortSignal.any(signals),
        });
      } catch (e) {
        throw new ApiError(`cannot reach the TempMail service at ${this.base}: ${(e as Error).message}`, 0, 'unreachable');
      }
      const text = await res.text();
      let body: any = null;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      if (res.ok) return body as T;
      const retryAfter = Number(res.headers.get('retry-after'));
      const wait = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null;
      if (res.status === 429 && wait !== null && wait <= (this.o.maxRetryWaitSeconds ?? 10) && attempt < maxRetries) {
        await sleep(Math.max(wait, 0.1) * 1000, opts.signal);
        continue;
      }
      throw new ApiError(body?.error?.message ?? `HTTP ${res.status}`, res.status, body?.error?.code ?? 'http_error', wait);
    }
  }
}
