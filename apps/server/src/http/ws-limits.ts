/**
 * Bounds on live connections: sockets per mailbox and per key (on this node), and a cap on what
 * one socket may have waiting in its send buffer. A client that does not read is closed (1013)
 * instead of growing the server's memory; its mail stays in the store, read by the API or by a
 * reconnect that lists the inbox.
 */
import type { WebSocket } from 'ws';
import { AppError } from '../domain/errors.js';

/** Close code for a consumer too slow to keep up (RFC 6455 1013: try again later). */
export const SLOW_CONSUMER = 1013;

/** Counts open sockets by key (mailbox id, API key id) and refuses past a limit. */
export class SocketQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number, private readonly what: string) {}

  /** Takes a slot for `key` or throws 429; the returned function gives it back (once). */
  take(key: string): () => void {
    const n = this.open.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) {
      throw new AppError('rate_limited', `At most ${this.max} live connections per ${this.what}; close one first.`, { 'Retry-After': '10' });
    }
    this.open.set(key, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left <= 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }
}

/**
 * Sends `frame` unless the socket already holds `maxBuffered` bytes unsent; then closes it as a
 * slow consumer and drops it shortly after (a peer that does not read never answers the close).
 * Returns false when the frame was not sent.
 */
export function sendBounded(ws: WebSocket, frame: string, maxBuffered: number): boolean {
  if (ws.bufferedAmount > 0 && ws.bufferedAmount + frame.length > maxBuffered) {
    shed(ws);
    return false;
  }
  ws.send(frame);
  return true;
}

/** Closes a socket that stopped reading: a close frame, then the TCP connection a second later. */
export function shed(ws: WebSocket): void {
  ws.close(SLOW_CONSUMER, 'slow consumer: read the inbox to catch up');
  setTimeout(() => ws.terminate(), 1000).unref();
}
