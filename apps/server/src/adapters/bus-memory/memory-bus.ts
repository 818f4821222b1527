/** In-process event bus: the embedded default for a single node. */
import type { MessageNotice } from '../../domain/types.js';
import type { EventBus, NoticeListener } from '../../ports/event-bus.js';

export class MemoryBus implements EventBus {
  private readonly listeners = new Map<string, Set<NoticeListener>>();

  async publish(notice: MessageNotice): Promise<void> {
    const set = this.listeners.get(notice.mailboxId);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(notice);
      } catch {
        // a failing subscriber must not stop the others
      }
    }
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

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
