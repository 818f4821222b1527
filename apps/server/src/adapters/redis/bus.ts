/**
 * The Redis event bus: a notice is PUBLISHed on the mailbox's channel `tempmail:mbx:<mailboxId>`
 * as `{"mailboxId","messageId"}` (ids only, never plaintext). Each node holds one subscriber
 * connection and SUBSCRIBEs a channel while it has at least one local listener for that mailbox
 * (reference counted), so any node can serve any WebSocket. Mailbox-gone notices go on the one
 * channel `tempmail:mailbox-gone` as `{"mailboxId","reason"}`, which every node SUBSCRIBEs while
 * it has a listener for them (main.ts keeps one for the process's life).
 */
import type { Redis } from 'ioredis';
import type { MailboxGoneNotice, MessageNotice } from '../../domain/types.js';
import type { EventBus, MailboxGoneListener, NoticeListener } from '../../ports/event-bus.js';
import { closeRedis, connectRedis, DEFAULT_PREFIX, type RedisAdapterOptions, whenReady } from './connection.js';

interface Channel {
  mailboxId: string;
  listeners: Set<NoticeListener>;
  /** Settles once Redis confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/** The wire form of a notice; anything else on a channel is ignored. */
export function encodeNotice(notice: MessageNotice): string {
  return JSON.stringify({ mailboxId: notice.mailboxId, messageId: notice.messageId });
}

/** Parses a channel payload, or null when it is not a notice for `mailboxId`. */
export function decodeNotice(payload: string, mailboxId: string): MessageNotice | null {
  try {
    const v = JSON.parse(payload) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { mailboxId: m, messageId } = v as Record<string, unknown>;
    if (m !== mailboxId || typeof messageId !== 'string') return null;
    return { mailboxId, messageId };
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

  constructor(url: string, opts: RedisAdapterOptions = {}) {
    this.prefix = `${opts.prefix ?? DEFAULT_PREFIX}mbx:`;
    this.mailboxGoneChannel = `${opts.prefix ?? DEFAULT_PREFIX}mailbox-gone`;
    this.pub = connectRedis(url, 'bus-publisher', opts.onError);
    this.sub = connectRedis(url, 'bus-subscriber', opts.onError);
    this.sub.on('message', (channel: string, payload: string) => this.deliver(channel, payload));
  }

  /** The channel of a mailbox. */
  channelOf(mailboxId: string): string {
    return `${this.prefix}${mailboxId}`;
  }

  async publish(notice: MessageNotice): Promise<void> {
    await this.pub.publish(this.channelOf(notice.mailboxId), encodeNotice(notice));
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
      this.release(name, entry, own);
      throw err;
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
      this.releaseGone(own);
      throw err;
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

  /** Runs a (UN)SUBSCRIBE once the subscriber connection is ready; calls keep their order. */
  private onSubscriber<T>(command: () => Promise<T>): Promise<T> {
    return whenReady(this.sub).then(command);
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
    this.channels.clear();
    this.goneListeners.clear();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
