/**
 * The Redis event bus: a notice is PUBLISHed on the mailbox's channel `tempmail:mbx:<mailboxId>`
 * as `{"mailboxId","messageId","origin"}` (ids only, never plaintext). Each node holds one subscriber
 * connection and SUBSCRIBEs a channel while it has at least one local listener for that mailbox
 * (reference counted), so any node can serve any WebSocket. Mailbox-gone notices go on the one
 * channel `tempmail:mailbox-gone` as `{"mailboxId","reason"}`, which every node SUBSCRIBEs while
 * it has a listener for them (main.ts keeps one for the process's life).
 *
 * Redis going away degrades the bus, never this node: a notice is handed to this node's own
 * listeners at once (the Redis echo, tagged with the node's id, is skipped), so local
 * WebSockets keep getting local mail; a SUBSCRIBE that cannot be confirmed keeps its listener;
 * and the SubscriberLink tells feed-state listeners when notices from other nodes may be missed
 * and when they flow again (after every channel is subscribed anew).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MailboxGoneNotice, MessageNotice } from '../../domain/types.js';
import { isTemporaryFailure } from '../../domain/temporary-failure.js';
import { isIngestTimings } from '../../ingest/timings.js';
import type { EventBus, FeedStateListener, MailboxGoneListener, NoticeListener } from '../../ports/event-bus.js';
import { closeRedis, connectRedis, DEFAULT_PREFIX, type RedisAdapterOptions, whenReady } from './connection.js';
import { SubscriberLink } from './subscriber-link.js';

interface Channel {
  mailboxId: string;
  listeners: Set<NoticeListener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/** The wire form of a notice (`origin`: the publishing node); anything else on a channel is ignored. */
export function encodeNotice(notice: MessageNotice, origin?: string): string {
  return JSON.stringify({ mailboxId: notice.mailboxId, messageId: notice.messageId, ...(notice.kind ? { kind: notice.kind } : {}), origin, ...(notice.timings ? { timings: notice.timings } : {}) });
}

/** The node a payload says it came from, if any. */
function originOf(payload: string): string | undefined {
  try {
    const origin = (JSON.parse(payload) as { origin?: unknown } | null)?.origin;
    return typeof origin === 'string' ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a channel payload, or null when it is not a notice for `mailboxId`. */
export function decodeNotice(payload: string, mailboxId: string): MessageNotice | null {
  try {
    const v = JSON.parse(payload) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { mailboxId: m, messageId, timings, kind } = v as Record<string, unknown>;
    if (m !== mailboxId || typeof messageId !== 'string') return null;
    return { mailboxId, messageId, ...(kind === 'updated' ? { kind: 'updated' as const } : {}), ...(isIngestTimings(timings) ? { timings } : {}) };
  } catch {
    return null;
  }
}

/** The wire form of a mailbox-gone notice. */
export function encodeMailboxGone(notice: MailboxGoneNotice): string {
  return JSON.stringify({ mailboxId: notice.mailboxId, reason: notice.reason });
}

/** Parses a mailbox-gone payload, or null when it is not one. */
export function decodeMailboxGone(payload: string): MailboxGoneNotice | null {
  try {
    const v = JSON.parse(payload) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { mailboxId, reason } = v as Record<string, unknown>;
    if (typeof mailboxId !== 'string' || mailboxId === '' || (reason !== 'deleted' && reason !== 'expired')) return null;
    return { mailboxId, reason };
  } catch {
    return null;
  }
}

export class RedisBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly channels = new Map<string, Channel>();
  /** The one channel of mailbox-gone notices, its local listeners and its SUBSCRIBE. */
  readonly mailboxGoneChannel: string;
  private readonly goneListeners = new Set<MailboxGoneListener>();
  private goneSubscribed: Promise<unknown> | null = null;
  private closed = false;
  /** Tags this node's notices, so their echo from Redis is not delivered twice. */
  private readonly nodeId = randomUUID();
  private readonly link: SubscriberLink;
  private readonly readyWithinMs: number;

  constructor(url: string, opts: RedisAdapterOptions = {}) {
    this.prefix = `${opts.prefix ?? DEFAULT_PREFIX}mbx:`;
    this.mailboxGoneChannel = `${opts.prefix ?? DEFAULT_PREFIX}mailbox-gone`;
    this.readyWithinMs = opts.connectTimeoutMs ?? 10_000;
    this.pub = connectRedis(url, 'bus-publisher', opts);
    this.sub = connectRedis(url, 'bus-subscriber', opts);
    this.sub.on('message', (channel: string, payload: string) => {
      if (originOf(payload) !== this.nodeId) this.deliver(channel, payload);
    });
    this.link = new SubscriberLink(this.sub, {
      probeEveryMs: Math.max(500, opts.commandTimeoutMs ?? 2000),
      resubscribe: () => this.resubscribeAll(),
      onError: opts.onError,
    });
  }

  onFeedState(listener: FeedStateListener): () => void {
    return this.link.onChange(listener);
  }

  feedUp(): boolean {
    return this.link.isUp;
  }

  async ping(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
  }

  /** SUBSCRIBEs every channel with local listeners again (after a reconnect). */
  private async resubscribeAll(): Promise<void> {
    const names = [...this.channels.keys()];
    if (this.goneListeners.size > 0) names.push(this.mailboxGoneChannel);
    if (names.length === 0) return;
    const done = this.sub.subscribe(...names);
    for (const channel of this.channels.values()) channel.subscribed = done;
    if (this.goneListeners.size > 0) this.goneSubscribed = done;
    await done;
  }

  /** The channel of a mailbox. */
  channelOf(mailboxId: string): string {
    return `${this.prefix}${mailboxId}`;
  }

  /** Hands the notice to this node's listeners now, then to the other nodes through Redis. */
  async publish(notice: MessageNotice): Promise<void> {
    const name = this.channelOf(notice.mailboxId);
    this.deliver(name, encodeNotice(notice));
    await this.pub.publish(name, encodeNotice(notice, this.nodeId));
  }

  /** Resolves once this node's subscription is active, so a notice published afterwards arrives. */
  async subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void> {
    if (this.closed) throw new Error('event bus is closed');
    const name = this.channelOf(mailboxId);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { mailboxId, listeners: new Set(), subscribed: this.onSubscriber(() => this.sub.subscribe(name)) };
      this.channels.set(name, channel);
    }
    const entry = channel;
    // A distinct wrapper per call, so the same function subscribed twice counts twice.
    const own: NoticeListener = (n) => listener(n);
    entry.listeners.add(own);
    try {
      await entry.subscribed;
    } catch (err) {
      if (!this.keepsThrough(err)) {
        this.release(name, entry, own);
        throw err;
      }
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.release(name, entry, own);
    };
  }

  async publishMailboxGone(notice: MailboxGoneNotice): Promise<void> {
    await this.pub.publish(this.mailboxGoneChannel, encodeMailboxGone(notice));
  }

  /** Resolves once this node's subscription is active; one SUBSCRIBE for all local listeners. */
  async subscribeMailboxGone(listener: MailboxGoneListener): Promise<() => void> {
    if (this.closed) throw new Error('event bus is closed');
    const own: MailboxGoneListener = (n) => listener(n);
    this.goneListeners.add(own);
    const subscribed = (this.goneSubscribed ??= this.onSubscriber(() => this.sub.subscribe(this.mailboxGoneChannel)));
    try {
      await subscribed;
    } catch (err) {
      if (this.goneSubscribed === subscribed) this.goneSubscribed = null; // the next listener tries again
      if (!this.keepsThrough(err)) {
        this.releaseGone(own);
        throw err;
      }
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.releaseGone(own);
    };
  }

  private releaseGone(listener: MailboxGoneListener): void {
    this.goneListeners.delete(listener);
    if (this.goneListeners.size > 0 || !this.goneSubscribed) return;
    this.goneSubscribed = null;
    // As in release(): a later SUBSCRIBE on this connection runs after this UNSUBSCRIBE.
    if (!this.closed) this.onSubscriber(() => this.sub.unsubscribe(this.mailboxGoneChannel)).catch(() => {});
  }

  private release(name: string, channel: Channel, listener: NoticeListener): void {
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0 || this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    // Commands on one connection run in order: a later SUBSCRIBE of the same channel wins.
    if (!this.closed) this.onSubscriber(() => this.sub.unsubscribe(name)).catch(() => {});
  }

  /**
   * A SUBSCRIBE that failed because Redis is away keeps its listener (local notices still
   * arrive; the channel is subscribed again when Redis returns) and marks the feed interrupted.
   */
  private keepsThrough(err: unknown): boolean {
    if (this.closed || !isTemporaryFailure(err)) return false;
    this.link.lost();
    return true;
  }

  /** Runs a (UN)SUBSCRIBE once the subscriber connection is ready; calls keep their order. */
  private onSubscriber<T>(command: () => Promise<T>): Promise<T> {
    return whenReady(this.sub, this.readyWithinMs).then(command);
  }

  private deliver(name: string, payload: string): void {
    if (name === this.mailboxGoneChannel) {
      this.deliverMailboxGone(payload);
      return;
    }
    const channel = this.channels.get(name);
    if (!channel) return;
    const notice = decodeNotice(payload, channel.mailboxId);
    if (!notice) return;
    for (const listener of [...channel.listeners]) {
      try {
        listener(notice);
      } catch {
        // a failing subscriber must not stop the others
      }
    }
  }

  private deliverMailboxGone(payload: string): void {
    const notice = decodeMailboxGone(payload);
    if (!notice) return;
    for (const listener of [...this.goneListeners]) {
      try {
        listener(notice);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }

  /** Channels this node is subscribed to (for tests and diagnostics). */
  get activeChannels(): number {
    return this.channels.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.link.stop();
    this.channels.clear();
    this.goneListeners.clear();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
