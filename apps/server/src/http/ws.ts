/**
 * Live push over WebSocket: /ws (mailbox token) and /v1/ws (API key). The handshake is checked
 * before the upgrade (Origin, rate limit, credentials); then each notice from the bus is read,
 * decrypted and sent as the contract's event. When the mailbox expires or is deleted (on any
 * node: see mailbox/mailbox-gone.ts), its sockets get `mailbox.expired` / `mailbox.deleted` and
 * are closed with 4000. Heartbeat pings drop dead peers: only a pong to the server's own ping
 * counts as a sign of life. Sockets are capped per mailbox and per key, and one whose send buffer
 * passes TEMPMAIL_WS_MAX_BUFFERED_BYTES is closed (ws-limits.ts).
 *
 * When the bus loses the other nodes (Redis away), sockets stay open and keep getting this
 * node's mail; each is sent `{"event":"feed.interrupted"}`. When the bus is back, each gets the
 * events of every message its mailbox received since the interruption began (ids repeat, as
 * the contract allows: receivers drop duplicates by id), then `{"event":"feed.resumed"}`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../domain/errors.js';
import type { Mailbox, MailboxGoneReason, MessageNotice } from '../domain/types.js';
import { preciseNow } from '../metrics/metrics.js';
import { MAX_PAGE } from '../read/message-reader.js';
import type { HttpContext } from './context.js';
import { isTemporaryFailure } from '../domain/temporary-failure.js';
import { errorBody, temporarilyUnavailable } from './errors.js';
import { SocketQuota, sendBounded, shed } from './ws-limits.js';

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

/** This node's sockets of one mailbox (its address goes in the mailbox-gone and feed events). */
interface MailboxSockets {
  mailbox: Mailbox;
  sockets: Set<WebSocket>;
}

/** Messages received this long before an interruption was noticed are sent again on resume. */
const CATCH_UP_MARGIN_MS = 5000;

/** A bus subscription opened before the handshake completes; `start` flushes what it held. */
interface Subscription {
  unsubscribe(): void;
  start(send: (notice: MessageNotice) => void): void;
}

export class LiveHub {
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  /** Last pong to one of our pings of each socket; silent past TEMPMAIL_WS_IDLE_MS = closed. */
  private readonly lastSeen = new WeakMap<WebSocket, number>();
  /** The payload of each socket's last ping: only a pong that echoes it is a sign of life. */
  private readonly pinged = new WeakMap<WebSocket, Buffer>();
  private readonly byMailbox = new Map<string, MailboxSockets>();
  private readonly perMailbox: SocketQuota;
  private readonly perKey: SocketQuota;

  constructor(private readonly ctx: HttpContext) {
    // autoPong off: a client that pings and never reads would have us buffer pongs without end.
    this.wss = new WebSocketServer({
      noServer: true, maxPayload: ctx.config.http.wsMaxFrameBytes, perMessageDeflate: false, autoPong: false,
      // A browser that offers subprotocols must get one of them back; the token one is never echoed.
      handleProtocols: (protocols) => (protocols.has(TOKEN_PROTOCOL) ? TOKEN_PROTOCOL : [...protocols].find((p) => !p.startsWith(TOKEN_PREFIX)) ?? false),
    });
    this.perMailbox = new SocketQuota(ctx.config.http.wsMaxPerMailbox, 'mailbox');
    this.perKey = new SocketQuota(ctx.config.http.wsMaxPerKey, 'API key');
    this.heartbeat = setInterval(() => this.beat(), ctx.config.http.wsHeartbeatMs);
    this.heartbeat.unref();
    this.stopFeedWatch = ctx.bus.onFeedState?.((state, since) => {
      if (state === 'interrupted') this.broadcastFeedState('interrupted');
      else void this.catchUp(since - CATCH_UP_MARGIN_MS);
    }) ?? (() => {});
  }

  private readonly stopFeedWatch: () => void;

  /** Sends `feed.<state>` to every socket of one mailbox entry, or of all. */
  private broadcastFeedState(state: 'interrupted' | 'resumed', only?: MailboxSockets): void {
    for (const entry of only ? [only] : this.byMailbox.values()) {
      const frame = JSON.stringify({ event: `feed.${state}`, email: entry.mailbox.address });
      for (const ws of entry.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    }
  }

  /** After an interruption: the events of messages received since `since`, oldest first, then feed.resumed. */
  private async catchUp(since: number): Promise<void> {
    await Promise.all([...this.byMailbox.values()].map(async (entry) => {
      try {
        const refs = await this.ctx.store.messages.listRefs(entry.mailbox.id, MAX_PAGE);
        for (const ref of refs.filter((r) => r.receivedAt >= since).reverse()) {
          const event = await this.ctx.reader.event(entry.mailbox, ref.id);
          if (!event) continue;
          const frame = JSON.stringify(event);
          for (const ws of entry.sockets) if (ws.readyState === WebSocket.OPEN) sendBounded(ws, frame, this.ctx.config.http.wsMaxBufferedBytes);
        }
      } catch (err) {
        this.ctx.log.warn({ err: { message: (err as Error).message } }, 'live feed catch-up failed; the client re-lists on feed.resumed');
      }
      this.broadcastFeedState('resumed', entry);
    }));
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
    const frame = JSON.stringify({ event: `mailbox.${reason}`, email: entry.mailbox.address });
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
    let keyId: string | null = null;
    if (url.pathname === '/ws') {
      await this.ctx.guards.anonymous(ip, () => {});
      mailbox = await this.ctx.mailboxes.authorizeToken(q.email, q.token ?? tokenProtocol(req));
    } else {
      const auth = req.headers.authorization;
      const presented = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '') : q.key ?? null;
      const key = await this.ctx.guards.apiKey(presented, ip, () => {});
      mailbox = await this.ctx.mailboxes.authorizeKey(q.email, key.id);
      keyId = key.id;
    }
    const releaseMailbox = this.perMailbox.take(mailbox.id);
    let releaseKey: () => void = () => {};
    try {
      if (keyId) releaseKey = this.perKey.take(keyId);
    } catch (e) {
      releaseMailbox();
      throw e;
    }
    const release = () => { releaseMailbox(); releaseKey(); };
    // Subscribe before completing the handshake, so a message that arrives while the
    // upgrade is in flight is held and sent, not missed.
    const held: MessageNotice[] = [];
    let push: ((notice: MessageNotice) => void) | null = null;
    const unsubscribe = await this.ctx.bus.subscribe(mailbox.id, (notice) => {
      if (push) push(notice);
      else held.push(notice);
    });
    socket.once('close', () => {
      release();
      if (!push) unsubscribe();
    });
    const subscription: Subscription = {
      unsubscribe,
      start(send) {
        push = send;
        for (const notice of held.splice(0)) send(notice);
      },
    };
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // A protocol error (a frame over TEMPMAIL_WS_MAX_FRAME_BYTES: close 1009, a bad frame:
      // 1002) is emitted as 'error' before ws closes the socket; unhandled, it would end the process.
      ws.on('error', (err) => this.ctx.log.debug({ err: { message: err.message } }, 'websocket closed on a protocol error'));
      this.serve(ws, mailbox, subscription);
    });
  }

  /** Browser origins must be ours or listed (configuration, scheme included); programs send no Origin. */
  private checkOrigin(req: IncomingMessage): void {
    if (this.ctx.origins.refuses(req.headers)) throw new AppError('forbidden', 'This origin may not open live connections.');
  }

  private serve(ws: WebSocket, mailbox: Mailbox, subscription: Subscription): void {
    const maxBuffered = this.ctx.config.http.wsMaxBufferedBytes;
    this.lastSeen.set(ws, Date.now());
    ws.on('pong', (data) => {
      const expected = this.pinged.get(ws);
      if (!expected || !expected.equals(data)) return; // unsolicited: keeps nothing alive
      this.pinged.delete(ws);
      this.lastSeen.set(ws, Date.now());
    });
    // Client pings are answered while the socket reads what it is sent; one that does not is shed.
    ws.on('ping', (data) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) shed(ws);
      else ws.pong(data);
    });
    const entry: MailboxSockets = this.byMailbox.get(mailbox.id) ?? { mailbox, sockets: new Set() };
    this.byMailbox.set(mailbox.id, entry);
    const { sockets } = entry;
    sockets.add(ws);
    // Connected while the other nodes are out of reach: say so at once.
    if (this.ctx.bus.feedUp?.() === false) ws.send(JSON.stringify({ event: 'feed.interrupted', email: mailbox.address }));
    subscription.start((notice) => {
      // Figures from another node arrive with its notice (the first socket records them).
      if (notice.timings) this.ctx.timings?.record(notice.messageId, notice.timings);
      // message.updated: the same message with its authentication results (they follow the 250).
      this.ctx.reader.event(mailbox, notice.messageId, notice.kind === 'updated' ? 'message.updated' : 'message.received').then((event) => {
        // Over the buffer cap the socket is closed; the message stays in the store (inbox.php).
        if (!event || ws.readyState !== WebSocket.OPEN) return;
        sendBounded(ws, JSON.stringify(event), maxBuffered);
        const pushed = this.ctx.timings?.pushed(notice.messageId, preciseNow());
        if (pushed !== null && pushed !== undefined) this.ctx.metrics?.stage('ws_sent', pushed);
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
      if (ws.bufferedAmount > this.ctx.config.http.wsMaxBufferedBytes) {
        shed(ws);
        continue;
      }
      const nonce = randomBytes(8);
      this.pinged.set(ws, nonce);
      ws.ping(nonce);
    }
  }

  private refuse(socket: Duplex, err: unknown): void {
    const e = err instanceof AppError ? err : isTemporaryFailure(err) ? temporarilyUnavailable() : new AppError('unavailable', 'Internal error.');
    const body = JSON.stringify(errorBody(e.code, e.message));
    const extra = Object.entries(e.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 ${e.status} ${e.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.stopFeedWatch();
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}
