/** In-process event bus: the embedded default for a single node. */
import type { MailboxGoneNotice, MessageNotice } from '../../domain/types.js';
import type { EventBus, MailboxGoneListener, NoticeListener } from '../../ports/event-bus.js';

export class MemoryBus implements EventBus {
  private readonly listeners = new Map<string, Set<NoticeListener>>();
  private readonly goneListeners = new Set<MailboxGoneListener>();

  async publish(notice: MessageNotice): Promise<void> {
    const set = this.listeners.get(notice.mailboxId);
    if (set) callEach(set, notice);
  }

  async subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void> {
    let set = this.listeners.get(mailboxId);
    if (!set) this.listeners.set(mailboxId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(mailboxId) === set) this.listeners.delete(mailboxId);
    };
  }

  async publishMailboxGone(notice: MailboxGoneNotice): Promise<void> {
    callEach(this.goneListeners, notice);
  }

  async subscribeMailboxGone(listener: MailboxGoneListener): Promise<() => void> {
    // A distinct wrapper per call, so the same function subscribed twice counts twice.
    const own: MailboxGoneListener = (n) => listener(n);
    this.goneListeners.add(own);
    return () => {
      this.goneListeners.delete(own);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.goneListeners.clear();
  }
}

function callEach<T>(listeners: Iterable<(notice: T) => void>, notice: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(notice);
    } catch {
      // a failing subscriber must not stop the others
    }
  }
}
