/**
 * `waitForMessage`: resolves with the first message of a mailbox that matches a predicate.
 * Listens on the service's WebSocket when a `WebSocket` class is available (the global one, or
 * one passed in options, e.g. from the `ws` package) and falls back to polling the inbox;
 * every message is checked once, and messages already in the inbox count.
 */
import { NotFoundError, TempMailError, WaitTimeoutError } from './errors.js';
import { sleep } from './http.js';
import type { MessageFilters } from './server-wait.js';
import type { Message, MessageSummary } from './types.js';

/** Options of `waitForMessage` (and `waitForOtp` / `waitForLink`). */
export interface WaitOptions extends MessageFilters {
  /** Give up after this many ms (throws `WaitTimeoutError`); default 30 000. */
  timeout?: number;
  /** Which message to wait for; default: any. Receives the full message (may be async). */
  predicate?: (message: Message) => boolean | Promise<boolean>;
  /** Poll interval in ms when polling; default 1000. */
  interval?: number;
  /**
   * `auto` (default): the server holds the request (wait.php), falling back to a WebSocket or
   * polling on a server without it; `server`: only wait.php; `websocket`; `poll`.
   */
  transport?: 'auto' | 'server' | 'poll' | 'websocket';
  /** Cancels the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** The minimal WebSocket surface used (the WHATWG class, or `ws`'s compatible one). */
export interface WebSocketLike {
  addEventListener(type: string, listener: (event: any) => void): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `new WebSocketClass(url)`. */
export type WebSocketClass = new (url: string) => WebSocketLike;

/** What the wait needs from a client for one mailbox. */
export interface MailboxSource {
  list(): Promise<MessageSummary[]>;
  read(id: string): Promise<Message>;
  /** The WebSocket URL for this mailbox. */
  wsUrl: string;
  /** The WebSocket class to use, or null to poll. */
  WebSocket: WebSocketClass | null;
}

/** Waits as described in the module comment. */
export async function waitForMessage(source: MailboxSource, opts: WaitOptions = {}): Promise<Message> {
  const timeout = opts.timeout ?? 30_000;
  const interval = Math.max(50, opts.interval ?? 1000);
  const predicate = opts.predicate ?? (() => true);
  const mode = opts.transport === 'server' ? 'auto' : opts.transport ?? 'auto';
  if (mode === 'websocket' && !source.WebSocket) throw new TypeError('No WebSocket class: pass options.WebSocket or use transport "poll".');
  const seen = new Set<string>();
  let settled = false;
  let stopPolling = false;
  let socket: WebSocketLike | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;

  return new Promise<Message>((resolve, reject) => {
    const finish = (err: unknown, message?: Message) => {
      if (settled) return;
      settled = true;
      stopPolling = true;
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
      try { socket?.close(1000, 'done'); } catch { /* already closed */ }
      if (err) reject(err); else resolve(message!);
    };

    /** Reads one message id (once) and finishes when it matches. */
    const consider = async (id: string) => {
      if (seen.has(id) || settled) return;
      seen.add(id);
      let message: Message;
      try {
        message = await source.read(id);
      } catch (e) {
        if (e instanceof NotFoundError) return; // deleted in between
        throw e;
      }
      if (!settled && (await predicate(message))) finish(null, message);
    };

    /** One inbox scan, oldest new message first. */
    const scan = async () => {
      const list = await source.list();
      for (const summary of list.reverse()) await consider(summary.id);
    };

    const poll = async () => {
      while (!stopPolling) {
        await scan();
        if (!stopPolling) await sleep(interval);
      }
    };
    const fail = (e: unknown) => finish(e instanceof Error ? e : new TempMailError(String(e)));

    timer = setTimeout(() => finish(new WaitTimeoutError(`No matching message within ${timeout} ms`, { code: 'wait_timeout' })), timeout);
    if (opts.signal) {
      if (opts.signal.aborted) return finish(opts.signal.reason ?? new Error('aborted'));
      onAbort = () => finish(opts.signal!.reason ?? new Error('aborted'));
      opts.signal.addEventListener('abort', onAbort, { once: true });
    }

    if (mode === 'poll' || !source.WebSocket) {
      poll().catch(fail);
      return;
    }
    // WebSocket: subscribe first, then scan what is already there; events are checked as they
    // come. If the socket fails or closes early, polling takes over for the rest of the time.
    let fellBack = false;
    const fallback = () => {
      if (settled || fellBack) return;
      fellBack = true;
      poll().catch(fail);
    };
    try {
      socket = new source.WebSocket(source.wsUrl);
    } catch {
      fallback();
      return;
    }
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      scan().catch(fail);
    });
    socket.addEventListener('message', (event: { data: unknown }) => {
      let frame: { event?: string; id?: string; email?: string };
      try {
        frame = JSON.parse(typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer));
      } catch {
        return;
      }
      if (frame.event === 'message.received' && typeof frame.id === 'string') consider(frame.id).catch(fail);
      // Authentication results of a message arrived: a message refused before may match now.
      else if (frame.event === 'message.updated' && typeof frame.id === 'string') {
        seen.delete(frame.id);
        consider(frame.id).catch(fail);
      }
      // The live feed between server nodes was interrupted and is back: list again, in case.
      else if (frame.event === 'feed.resumed') scan().catch(fail);
      else if (frame.event === 'mailbox.expired' || frame.event === 'mailbox.deleted') {
        finish(new NotFoundError(`Mailbox ${frame.email ?? ''} ${frame.event.slice(8)} while waiting`, { status: 404, code: 'not_found', body: frame }));
      }
    });
    socket.addEventListener('error', () => { if (!opened) fallback(); });
    socket.addEventListener('close', () => { fallback(); });
  });
}
