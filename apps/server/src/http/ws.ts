/**
 * Live push over WebSocket: /ws (mailbox token) and /v1/ws (API key). The handshake is checked
 * before the upgrade (Origin, rate limit, credentials); then each notice from the bus is read,
 * decrypted and sent as the contract's event. When the mailbox expires or is deleted (on any
 * node: see mailbox/mailbox-gone.ts), its sockets get `mailbox.expired` / `mailbox.deleted` and
 * are closed with 4000. Heartbeat pings drop dead peers.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../domain/errors.js';
import type { Mailbox, MailboxGoneReason } from '../domain/types.js';
import type { HttpContext } from './context.js';
import { errorBody } from './errors.js';

/**
 * Browsers may send the mailbox token as a WebSocket subprotocol, `tempmail` then
 * `tempmail.token.<token>`, instead of in the URL: a failed connection's URL is printed in the
 * browser console, a subprotocol is not.
 */
const TOKEN_PROTOCOL = 'tempmail';
const TOKEN_PREFIX = 'tempmail.token.';

function tokenProtocol(req: IncomingMessage): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PREFIX))?.slice(TOKEN_PREFIX.length);
}

/** setTimeout's longest delay; a later expiry is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** This node's sockets of one mailbox, with its address for the mailbox-gone event. */
interface MailboxSockets {
  address: string;
  sockets: Set<WebSocket>;
}

/** A bus subscription opened before the handshake completes; `start` flushes what it held. */
interface Subscription {
  unsubscribe(): void;
  start(send: (messageId: string) => void): void;
}

export class LiveHub {
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  /** Last sign of life (pong or frame) of each socket; silent past TEMPMAIL_WS_IDLE_MS = closed. */
  private readonly lastSeen = new WeakMap<WebSocket, number>();
  private readonly byMailbox = new Map<string, MailboxSockets>();

  constructor(private readonly ctx: HttpContext) {
    this.wss = new WebSocketServer({
      noServer: true, maxPayload: ctx.config.http.wsMaxFrameBytes, perMessageDeflate: false,
      // A browser that offers subprotocols must get one of them back; the token one is never echoed.
      handleProtocols: (protocols) => (protocols.has(TOKEN_PROTOCOL) ? TOKEN_PROTOCOL : [...protocols].find((p) => !p.startsWith(TOKEN_PREFIX)) ?? false),
    });
    this.heartbeat = setInterval(() => this.beat(), ctx.config.http.wsHeartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes over HTTP upgrade requests on `server`. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((err) => this.refuse(socket, err));
    });
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  /**
   * Tells a deleted or expired mailbox's subscribers on this node and closes their sockets.
   * Idempotent: the mailbox's sockets are let go at once, so a repeated notice finds none.
   */
  mailboxGone(mailboxId: string, reason: MailboxGoneReason): void {
    const entry = this.byMailbox.get(mailboxId);
    if (!entry) return;
    this.byMailbox.delete(mailboxId);
    const frame = JSON.stringify({ event: `mailbox.${reason}`, email: entry.address });
    for (const ws of entry.sockets) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.send(frame);
      ws.close(4000, `mailbox ${reason}`);
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws' && url.pathname !== '/v1/ws') throw new AppError('not_found', 'No such endpoint.');
    if (!this.ctx.isReady()) throw new AppError('unavailable', 'Service is starting or draining.');
    this.checkOrigin(req);
    const ip = this.ctx.ipOf(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const q = Object.fromEntries(url.searchParams);
    let mailbox: Mailbox;
    if (url.pathname === '/ws') {
      await this.ctx.guards.anonymous(ip, () => {});
      mailbox = await this.ctx.mailboxes.authorizeToken(q.email, q.token ?? tokenProtocol(req));
    } else {
      const auth = req.headers.authorization;
      const presented = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '') : q.key ?? null;
      const key = await this.ctx.guards.apiKey(presented, ip, () => {});
      mailbox = await this.ctx.mailboxes.authorizeKey(q.email, key.id);
    }
    // Subscribe before completing the handshake, so a message that arrives while the
    // upgrade is in flight is held and sent, not missed.
    const held: string[] = [];
    let push: ((messageId: string) => void) | null = null;
    const unsubscribe = await this.ctx.bus.subscribe(mailbox.id, (notice) => {
      if (push) push(notice.messageId);
      else held.push(notice.messageId);
    });
    socket.once('close', () => {
      if (!push) unsubscribe();
    });
    const subscription: Subscription = {
      unsubscribe,
      start(send) {
        push = send;
        for (const id of held.splice(0)) send(id);
      },
    };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // A protocol error (a frame over TEMPMAIL_WS_MAX_FRAME_BYTES: close 1009, a bad frame:
      // 1002) is emitted as 'error' before ws closes the socket; unhandled, it would end the process.
      ws.on('error', (err) => this.ctx.log.debug({ err: { message: err.message } }, 'websocket closed on a protocol error'));
      this.serve(ws, mailbox, subscription);
    });
  }

  /** Browser origins must be ours or listed; programs send no Origin and are let in. */
  private checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (!origin) return;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new AppError('forbidden', 'Bad Origin.');
    }
    if (host === req.headers.host) return;
    if (this.ctx.config.allowedOrigins.some((o) => o === origin || o === host)) return;
    throw new AppError('forbidden', 'This origin may not open live connections.');
  }

  private serve(ws: WebSocket, mailbox: Mailbox, subscription: Subscription): void {
    const seen = () => this.lastSeen.set(ws, Date.now());
    seen();
    ws.on('pong', seen);
    ws.on('message', seen); // clients may ping with any small frame (TEMPMAIL_WS_MAX_FRAME_BYTES at most)
    const entry: MailboxSockets = this.byMailbox.get(mailbox.id) ?? { address: mailbox.address, sockets: new Set() };
    this.byMailbox.set(mailbox.id, entry);
    const { sockets } = entry;
    sockets.add(ws);
    subscription.start((messageId) => {
      this.ctx.reader.event(mailbox, messageId).then((event) => {
        if (event && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
      }, (err) => this.ctx.log.warn({ err: { message: (err as Error).message } }, 'reading an event failed'));
    });
    // At the expiry the mailbox is looked up again: extend.php (on any node) may have moved it.
    let expiry: NodeJS.Timeout;
    const armExpiry = (at: number) => {
      expiry = setTimeout(() => {
        this.ctx.mailboxes.findLive(mailbox.address).then((now) => {
          if (now?.id === mailbox.id && ws.readyState === WebSocket.OPEN) armExpiry(now.expiresAt);
          else this.mailboxGone(mailbox.id, 'expired');
        }, () => armExpiry(this.ctx.clock.now() + 1000));
      }, Math.min(MAX_TIMER_MS, Math.max(0, at - this.ctx.clock.now())));
      expiry.unref();
    };
    armExpiry(mailbox.expiresAt);
    ws.on('close', () => {
      clearTimeout(expiry);
      subscription.unsubscribe();
      sockets.delete(ws);
      if (sockets.size === 0 && this.byMailbox.get(mailbox.id) === entry) this.byMailbox.delete(mailbox.id);
    });
  }

  /** Pings every socket each TEMPMAIL_WS_HEARTBEAT_MS; one that stayed silent for TEMPMAIL_WS_IDLE_MS is dropped. */
  private beat(): void {
    const now = Date.now();
    for (const ws of this.wss.clients) {
      if (now - (this.lastSeen.get(ws) ?? 0) > this.ctx.config.http.wsIdleMs) {
        ws.terminate();
        continue;
      }
      ws.ping();
    }
  }

  private refuse(socket: Duplex, err: unknown): void {
    const e = err instanceof AppError ? err : new AppError('unavailable', 'Internal error.');
    const body = JSON.stringify(errorBody(e.code, e.message));
    const extra = Object.entries(e.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 ${e.status} ${e.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}
