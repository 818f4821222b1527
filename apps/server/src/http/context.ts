/** What the HTTP layer needs from the rest of the service, built once in main.ts. */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { badRequest } from '../domain/errors.js';
import type { TimingBook } from '../ingest/timings.js';
import type { MailboxService } from '../mailbox/mailbox-service.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Store } from '../ports/store.js';
import type { MessageReader } from '../read/message-reader.js';
import type { WaitProbes } from './wait-probes.js';
import type { WaitHub } from '../wait/wait-hub.js';
import type { Guards } from './guards.js';
import type { OriginPolicy } from './origin-policy.js';

export interface HttpContext {
  config: Config;
  store: Store;
  mailboxes: MailboxService;
  reader: MessageReader;
  guards: Guards;
  /** Browser origins allowed to call /api and open WebSockets. */
  origins: OriginPolicy;
  bus: EventBus;
  /** Held wait.php requests. */
  waits: WaitHub;
  /** Waits the wait front holds on its own connections (http/front/); absent when it is off. */
  waitFront?: Pick<WaitProbes, 'claim'>;
  clock: Clock;
  log: Logger;
  /** The metrics port (GET /metrics, and what routes and the live hub report). */
  metrics?: Metrics;
  /** Recent messages' stage figures (read.php `timings`, the live hub's push time). */
  timings?: TimingBook;
  /** Client IP of a raw request (honours TEMPMAIL_TRUST_PROXY). */
  ipOf(peer: string | undefined, forwardedFor: string | string[] | undefined): string;
  /** True once SMTP, HTTP and the stores are up and not draining. */
  isReady(): boolean;
  /** Resolves when the shared rate-limit store answers (absent: in memory, nothing to check). */
  rateLimitPing?: () => Promise<void>;
  /** The domains a key may generate on (configured + its verified custom ones). */
  domainsFor?(keyId: string | null): Promise<string[]>;
  /** A custom domain's state for a key, or null when it is not the key's. */
  domainStatus?(keyId: string, domain: string): Promise<'pending' | 'verified' | 'suspended' | null>;
}

/**
 * Query and body parameters merged (body wins), as plain strings. A parameter given twice, with
 * brackets (`ttl[]=`) or as a JSON array or object is a 400: silently ignoring it would answer
 * something the caller did not ask for.
 */
export function params(request: { query: unknown; body: unknown }): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== 'object') continue;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const name = k.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 40) || 'a parameter';
      if (/[[\]]/.test(k)) throw badRequest(`${name} must be a single value, without brackets.`);
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else if (v !== null && v !== undefined) throw badRequest(`${name} must be given once, as a single value.`);
    }
  }
  return out;
}
