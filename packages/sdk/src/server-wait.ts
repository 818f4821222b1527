/**
 * Waiting on the server (`wait.php`): one held request at a time, each at most 60 s, renewed
 * until the caller's timeout. No polling, no WebSocket, and no rate-limit cost while held. A
 * predicate the server cannot evaluate is checked here; a message it refuses moves `since` past
 * it, so the next request asks for the one after.
 */
import { TempMailError, WaitTimeoutError } from './errors.js';
import type { HttpTransport, Query } from './http.js';
import type { Message } from './types.js';

/** The server-side filters of `wait.php` and `inbox.php`. */
export interface MessageFilters {
  /** `otp`: a message with a code; `link`: one with a confirmation link; default any. */
  match?: 'any' | 'otp' | 'link';
  /** The sender's address or display name contains this (case-insensitive). */
  from?: string;
  /** The subject contains this (case-insensitive). */
  subject?: string;
  /** Only messages newer than this message id, or received at or after this time. */
  since?: string | Date;
  /**
   * The sender's domain is this one or under it. With `requireAuth`, a domain the message is
   * authenticated for (DMARC-aligned From, or a passing DKIM d=): a forged From does not count.
   */
  fromDomain?: string;
  /** Only messages whose sender the server authenticated (see `fromDomain`; without it, DMARC must pass). */
  requireAuth?: boolean;
}

/** The longest a server holds one wait request (TEMPMAIL_WAIT_MAX_SECONDS's default). */
export const MAX_HOLD_SECONDS = 60;
/** Time beyond the hold the HTTP request may take (the answer itself, a busy server). */
const HOLD_SLACK_MS = 15_000;

export interface ServerWaitRequest extends MessageFilters {
  timeout: number;
  predicate?: (message: Message) => boolean | Promise<boolean>;
  signal?: AbortSignal;
}

/** The query form of the filters. */
export function filterQuery(f: MessageFilters): Query {
  return {
    match: f.match && f.match !== 'any' ? f.match : undefined,
    from: f.from,
    subject: f.subject,
    since: f.since instanceof Date ? f.since.toISOString() : f.since,
    from_domain: f.fromDomain,
    require_auth: f.requireAuth ? '1' : undefined,
  };
}

/** Waits through `path` (`/v1/wait.php` or `/api/wait.php`) with `auth` in the query. */
export async function waitOnServer(http: HttpTransport, path: string, auth: Query, req: ServerWaitRequest): Promise<Message> {
  const deadline = Date.now() + req.timeout;
  let since = req.since;
  for (;;) {
    req.signal?.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(`No matching message within ${req.timeout} ms`, { code: 'wait_timeout' });
    const holdSeconds = Math.min(MAX_HOLD_SECONDS, Math.max(0.001, Math.ceil(left) / 1000));
    let message: Message;
    try {
      message = await http.json<Message>({
        method: 'GET', path, query: { ...auth, ...filterQuery({ ...req, since }), timeout: holdSeconds.toFixed(3) },
        timeoutMs: holdSeconds * 1000 + HOLD_SLACK_MS, signal: req.signal,
      });
    } catch (e) {
      if (e instanceof TempMailError && e.status === 408) continue; // held to its end: ask again while time is left
      throw e;
    }
    if (!req.predicate || (await req.predicate(message))) return message;
    since = message.id;
  }
}
