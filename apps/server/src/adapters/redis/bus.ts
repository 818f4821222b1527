/**
 * The Redis event bus: a notice is PUBLISHed on the mailbox's channel `tempmail:mbx:<mailboxId>`
 * as `{"mailboxId","messageId"}` (ids only, never plaintext). Each node holds one subscriber
 * connection and SUBSCRIBEs a channel while it has at least one local listener for that mailbox
 * (reference counted), so any node can serve any WebSocket.
 */
import type { Redis } from 'ioredis';
import type { MessageNotice } from '../../domain/types.js';
import type { EventBus, NoticeListener } from '../../ports/event-bus.js';
import { closeRedis, connectRedis, DEFAULT_PREFIX, type RedisAdapterOptions } from './connection.js';

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

export class RedisBus implements EventBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly prefix: string;
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(url: string, opts: RedisAdapterOptions = {}) {
    this.prefix = `${opts.prefix ?? DEFAULT_PREFIX}mbx:`;
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
      channel = { mailboxId, listeners: new Set(), subscribed: this.sub.subscribe(name) };
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

  private release(name: string, channel: Channel, listener: NoticeListener): void {
    channel.listeners.delete(listener);
    if (channel.listeners.size > 0 || this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    // Commands on one connection run in order: a later SUBSCRIBE of the same channel wins.
    if (!this.closed) this.sub.unsubscribe(name).catch(() => {});
  }

  private deliver(name: string, payload: string): void {
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

  /** Channels this node is subscribed to (for tests and diagnostics). */
  get activeChannels(): number {
    return this.channels.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
