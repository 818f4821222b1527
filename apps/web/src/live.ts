/**
 * Keeps one mailbox's inbox current: a WebSocket for live events, reconnecting with
 * exponential backoff, and polling `inbox.php` whenever the socket is down.
 */
import { ApiError, listInbox, liveProtocols, liveUrl, type Mailbox, type MessageReceived, type Summary } from './api.ts';

/**
 * What the header shows: live over WebSocket, trying to get back, polling, or connected while
 * the server's own live feed is interrupted (its nodes lost Redis: mail accepted by another node
 * is not pushed, so the page polls until `feed.resumed`).
 */
export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'polling' | 'interrupted';

export interface LiveHandlers {
  onState(state: LiveState): void;
  /** A full inbox listing (on start, after a reconnect, and on each poll). */
  onList(list: Summary[]): void;
  /** One new message pushed over the socket. */
  onMessage(summary: Summary): void;
  /** The mailbox no longer exists (expired, or deleted elsewhere). */
  onGone(reason: 'expired' | 'deleted' | 'unknown'): void;
}

export interface LiveOptions {
  pollMs?: number;
  /** Failed reconnects after which the state shows "polling" rather than "reconnecting". */
  attemptsBeforePolling?: number;
  maxBackoffMs?: number;
}

/** Converts a pushed event to an inbox row. */
export function summaryFromEvent(ev: MessageReceived): Summary {
  return {
    id: ev.id,
    sender: ev.sender ?? '',
    sender_name: ev.sender_name ?? null,
    subject: ev.subject ?? '',
    date_received: ev.received_at ?? new Date().toISOString(),
    otp: ev.otp ?? null,
    confirmation_link: ev.confirmation_link ?? null,
  };
}

const STABLE_MS = 5000;
/**
 * An event without sender_name (a server that predates it) is followed by a short listing of the
 * newest rows, once per burst, so the row shows the sender's name as a reload would.
 */
const DETAILS_DELAY_MS = 250;
const DETAILS_ROWS = 20;

export class LiveInbox {
  private ws: WebSocket | null = null;
  private stopped = false;
  private failures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private detailsTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  private readonly pollMs: number;
  private readonly attemptsBeforePolling: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly mailbox: Mailbox,
    private readonly handlers: LiveHandlers,
    opts: LiveOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 4000;
    this.attemptsBeforePolling = opts.attemptsBeforePolling ?? 2;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  }

  start(): void {
    this.handlers.onState('connecting');
    void this.refresh();
    this.connect();
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.stableTimer);
    clearTimeout(this.detailsTimer);
    this.stopPolling();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
      ws.close(1000);
    }
  }

  /** Fetches the list once (the newest `limit` rows, when given); reports a vanished mailbox. */
  async refresh(limit?: number): Promise<void> {
    try {
      const list = await listInbox(this.mailbox, limit);
      if (!this.stopped) this.handlers.onList(list);
    } catch (err) {
      if (!this.stopped && err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 403)) {
        this.stop();
        this.handlers.onGone('unknown');
      }
    }
  }

  private readonly onOnline = (): void => {
    if (this.stopped || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.connect();
  };

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(liveUrl(this.mailbox), liveProtocols(this.mailbox));
    } catch {
      this.onDrop();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.stopped) return;
      const wasDown = this.failures > 0 || this.polling;
      // The backoff resets only once a connection has stayed up: a server that accepts and
      // drops at once must not be hammered.
      clearTimeout(this.stableTimer);
      this.stableTimer = setTimeout(() => (this.failures = 0), STABLE_MS);
      this.stopPolling();
      this.handlers.onState('connected');
      if (wasDown) void this.refresh(); // catch up on anything missed while down
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.stopped || typeof e.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (isMessageReceived(frame)) {
        this.handlers.onMessage(summaryFromEvent(frame));
        if (!('sender_name' in frame)) {
          clearTimeout(this.detailsTimer);
          this.detailsTimer = setTimeout(() => void this.refresh(DETAILS_ROWS), DETAILS_DELAY_MS);
        }
      } else if (isMailboxGone(frame)) {
        this.stop();
        this.handlers.onGone(frame.event === 'mailbox.expired' ? 'expired' : 'deleted');
      } else if (isFeedState(frame, 'feed.interrupted')) {
        this.handlers.onState('interrupted');
        this.startPolling(); // mail accepted by other server nodes is not pushed for now
      } else if (isFeedState(frame, 'feed.resumed')) {
        this.stopPolling();
        this.handlers.onState('connected');
        void this.refresh(); // catch up on anything the feed missed
      }
      // other events are ignored
    };
    ws.onerror = () => {
      // onclose follows and handles it
    };
    ws.onclose = () => {
      clearTimeout(this.stableTimer);
      if (this.ws === ws) this.ws = null;
      this.onDrop();
    };
  }

  private onDrop(): void {
    if (this.stopped) return;
    this.failures++;
    this.handlers.onState(this.failures > this.attemptsBeforePolling ? 'polling' : 'reconnecting');
    this.startPolling();
    const base = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(this.failures - 1, 10));
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    void this.refresh();
    this.pollTimer = setInterval(() => void this.refresh(), this.pollMs);
  }

  private stopPolling(): void {
    this.polling = false;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }
}

function isMailboxGone(x: unknown): x is { event: 'mailbox.expired' | 'mailbox.deleted' } {
  if (typeof x !== 'object' || x === null) return false;
  const ev = (x as Record<string, unknown>).event;
  return ev === 'mailbox.expired' || ev === 'mailbox.deleted';
}

function isFeedState(x: unknown, event: 'feed.interrupted' | 'feed.resumed'): boolean {
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>).event === event;
}

function isMessageReceived(x: unknown): x is MessageReceived {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return f.event === 'message.received' && typeof f.id === 'string';
}
