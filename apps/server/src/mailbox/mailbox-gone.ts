/**
 * "This mailbox is gone", on every node at once. Whichever node deletes or sweeps a mailbox
 * announces it: that node acts at once, and every node (itself again, harmlessly) acts on the
 * bus notice. Acting means forgetting the mailbox's data key, which drops every cache of its
 * decrypted data (KeyService.onForget), and telling local listeners (the LiveHub, which tells
 * and closes the mailbox's WebSockets). Each step is idempotent, so duplicates (the echo, several
 * nodes sweeping the same mailbox) are harmless. A notice lost while the bus is away is covered
 * by the expiry timers every cache and socket already has.
 */
import type { Logger } from 'pino';
import type { KeyService } from '../crypto/key-service.js';
import type { MailboxGoneNotice } from '../domain/types.js';
import type { EventBus, MailboxGoneListener } from '../ports/event-bus.js';

/** What deleting code needs: say that a mailbox is gone (after its rows are deleted). */
export interface MailboxGoneAnnouncer {
  announce(notice: MailboxGoneNotice): Promise<void>;
}

export class MailboxGoneBroadcast implements MailboxGoneAnnouncer {
  private readonly listeners: MailboxGoneListener[] = [];
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly keys: KeyService,
    private readonly log: Logger,
  ) {}

  /** Registers a local effect beyond forgetting the key (e.g. closing WebSockets); must be idempotent. */
  onGone(listener: MailboxGoneListener): void {
    this.listeners.push(listener);
  }

  /** Starts acting on other nodes' notices; resolves once the bus subscription is active. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = await this.bus.subscribeMailboxGone((notice) => this.act(notice));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * Acts here now (this node's reads miss at once, without waiting for the bus), then tells
   * every node. A failed publish is logged, not thrown: the mailbox is deleted either way.
   */
  async announce(notice: MailboxGoneNotice): Promise<void> {
    this.act(notice);
    try {
      await this.bus.publishMailboxGone(notice);
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, mailboxId: notice.mailboxId }, 'could not tell other nodes that a mailbox is gone; they drop it at its expiry');
    }
  }

  private act(notice: MailboxGoneNotice): void {
    this.keys.forget(notice.mailboxId);
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch (err) {
        this.log.warn({ err: { message: (err as Error).message } }, 'a mailbox-gone listener failed');
      }
    }
  }
}
