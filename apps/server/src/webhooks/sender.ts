/**
 * One webhook POST: resolve and check the target (target.ts), then connect to exactly the
 * checked address (a custom `lookup` pins it; Host and TLS SNI stay the URL's host name), never
 * follow redirects, and give up after the attempt timeout. Keep-alive agents are kept per
 * (scheme, host, port, checked address), so a reused connection always goes to an address
 * that passed the check.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type TargetPolicy, UrlRefused, type WebhookTarget } from './target.js';

export const USER_AGENT = 'TempMail-Webhooks/1';

/** How one attempt went. */
export interface PostResult {
  /** HTTP status, or null when no answer came (refused URL, network error, timeout). */
  statusCode: number | null;
  /** From the start of the attempt to the status line (or to the failure). */
  latencyMs: number;
  /** Short reason when there was no answer. */
  error: string | null;
}

export interface SenderOptions {
  /** The whole attempt, DNS included. */
  timeoutMs: number;
  /** Response body bytes read (and thrown away) before the connection is dropped. */
  maxResponseBytes?: number;
  /** Keep-alive agents kept at once (least recently used are closed). */
  maxAgents?: number;
}

/** A `lookup` that answers every query with the one checked address. */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) process.nextTick(cb, null, [{ address, family }]);
    else process.nextTick(cb, null, address, family);
  }) as LookupFunction;
}

export class WebhookSender {
  private readonly agents = new Map<string, http.Agent>();
  private readonly maxResponseBytes: number;
  private readonly maxAgents: number;

  constructor(private readonly policy: TargetPolicy, private readonly options: SenderOptions) {
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.maxAgents = options.maxAgents ?? 512;
  }

  /** POSTs `body` to `url` with `headers` (Content-Length and User-Agent are added). Never throws. */
  async post(url: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let target: WebhookTarget;
    try {
      target = await this.policy.resolve(url);
    } catch (e) {
      return { statusCode: null, latencyMs: elapsed(), error: e instanceof UrlRefused ? `refused: ${e.message}` : 'could not resolve the host' };
    }
    const deadline = started + this.options.timeoutMs;
    // A kept-alive socket the receiver closed meanwhile fails at once: retry that once on a new one.
    for (let tries = 0; ; tries++) {
      const outcome = await this.once(target, body, headers, deadline);
      if ('statusCode' in outcome) return { statusCode: outcome.statusCode, latencyMs: elapsed(), error: null };
      if (outcome.staleSocket && tries === 0 && performance.now() < deadline) continue;
      return { statusCode: null, latencyMs: elapsed(), error: outcome.error };
    }
  }

  /** Closes every kept-alive connection. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private once(
    target: WebhookTarget, body: string, headers: Record<string, string>, deadline: number,
  ): Promise<{ statusCode: number } | { error: string; staleSocket: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (v: { statusCode: number } | { error: string; staleSocket: boolean }) => {
        if (!settled) {
          settled = true;
          resolve(v);
        }
      };
      const request = (target.secure ? https : http).request({
        protocol: target.secure ? 'https:' : 'http:',
        host: target.hostname,
        port: target.port,
        path: `${target.url.pathname}${target.url.search}`,
        method: 'POST',
        agent: this.agentFor(target),
        lookup: pinnedLookup(target.address, target.family),
        headers: { ...headers, 'User-Agent': USER_AGENT, 'Content-Length': String(Buffer.byteLength(body)) },
      });
      const timer = setTimeout(() => {
        request.destroy(new Error('timeout'));
      }, Math.max(1, deadline - performance.now()));
      request.on('response', (res) => {
        finish({ statusCode: res.statusCode ?? 0 });
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > this.maxResponseBytes) res.destroy();
        });
        res.on('close', () => clearTimeout(timer));
        res.on('error', () => {});
      });
      request.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const stale = request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        finish({ error: describe(err, this.options.timeoutMs), staleSocket: stale });
      });
      request.end(body);
    });
  }

  private agentFor(t: WebhookTarget): http.Agent {
    const key = `${t.secure ? 'https' : 'http'}|${t.hostname}|${t.port}|${t.address}`;
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key); // most recently used goes last
    } else {
      const options = { keepAlive: true, maxFreeSockets: 16, scheduling: 'lifo' as const, timeout: 30_000 };
      agent = t.secure ? new https.Agent(options) : new http.Agent(options);
      if (this.agents.size >= this.maxAgents) {
        const oldest = this.agents.keys().next().value as string;
        this.agents.get(oldest)?.destroy();
        this.agents.delete(oldest);
      }
    }
    this.agents.set(key, agent);
    return agent;
  }
}

/** A short reason for the delivery log: no URL, no body. */
function describe(err: NodeJS.ErrnoException, timeoutMs: number): string {
  if (err.message === 'timeout') return `timed out after ${timeoutMs} ms`;
  if (err.code) return `${err.code}${err.syscall ? ` (${err.syscall})` : ''}`;
  return err.message.slice(0, 200);
}
