/**
 * Watches the subscriber connection of the Redis bus: while it is down or frozen, notices
 * published by other nodes are lost, and listeners must be told. 'close' marks a lost
 * connection; a PING each probe interval catches a frozen server (the socket stays open and
 * silent; the connection is then dropped so ioredis reconnects). When the connection is ready
 * again the bus re-subscribes its channels and only then reports the feed resumed.
 */
import type { Redis } from 'ioredis';
import type { FeedState, FeedStateListener } from '../../ports/event-bus.js';

export interface SubscriberLinkOptions {
  /** How often the connection is probed (default 2 s). */
  probeEveryMs?: number;
  /** Re-subscribes every channel; the feed counts as resumed once it resolves. */
  resubscribe: () => Promise<unknown>;
  onError?: (message: string, err: Error) => void;
}

export class SubscriberLink {
  private up = true;
  /** When the current interruption began (epoch ms). */
  private since = 0;
  private readonly listeners = new Set<FeedStateListener>();
  private readonly probe: NodeJS.Timeout;
  private probing = false;

  constructor(private readonly sub: Redis, private readonly opts: SubscriberLinkOptions) {
    sub.on('close', () => this.lost());
    sub.on('ready', () => this.regained());
    this.probe = setInterval(() => this.check(), opts.probeEveryMs ?? 2000);
    this.probe.unref();
  }

  /** False while notices from other nodes may be missed. */
  get isUp(): boolean {
    return this.up;
  }

  onChange(listener: FeedStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the feed interrupted (idempotent): a failed SUBSCRIBE or probe, a closed socket. */
  lost(): void {
    if (!this.up) return;
    this.up = false;
    this.since = Date.now();
    this.emit('interrupted');
  }

  private regained(): void {
    if (this.up) return;
    this.opts.resubscribe().then(() => {
      if (this.up || this.sub.status !== 'ready') return;
      this.up = true;
      this.emit('resumed');
    }, (err: Error) => this.opts.onError?.('redis bus re-subscribe failed; retrying at the next probe', err));
  }

  private check(): void {
    if (this.probing) return;
    if (this.sub.status !== 'ready') {
      this.lost();
      return;
    }
    if (!this.up) {
      this.regained(); // a re-subscribe that failed earlier is tried again
      return;
    }
    this.probing = true;
    this.sub.ping().then(() => undefined, () => {
      this.lost();
      this.sub.disconnect(true); // a frozen server: drop the silent socket and reconnect
    }).finally(() => {
      this.probing = false;
    });
  }

  private emit(state: FeedState): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(state, this.since);
      } catch {
        // one failing listener must not stop the others
      }
    }
  }

  stop(): void {
    clearInterval(this.probe);
    this.listeners.clear();
  }
}
