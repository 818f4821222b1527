/**
 * Mailbox rows by address, kept in memory by the SQLite store: every API request looks its
 * mailbox up, and the row never changes while it exists. Exact only because this process is
 * the database's one writer of mailboxes (the embedded store serves one node; the `tempmail
 * keys` command touches API keys only), so every delete passes through `drop`. PostgreSQL,
 * shared by several nodes, has no such cache. Rows of expired mailboxes are not served from
 * here (they are left to the store, where the sweeper deletes them). Bounded, oldest out first.
 */
import type { Mailbox } from '../../domain/types.js';

export class MailboxCache {
  private readonly byAddress = new Map<string, Mailbox>();
  private readonly addressOf = new Map<string, string>();

  constructor(private readonly max = 10_000, private readonly now: () => number = Date.now) {}

  /** A copy of the cached row (callers may not share one object), or undefined. */
  get(address: string): Mailbox | undefined {
    const m = this.byAddress.get(address);
    if (!m) return undefined;
    if (m.expiresAt <= this.now()) {
      this.drop(m.id);
      return undefined;
    }
    return { ...m };
  }

  set(mailbox: Mailbox): void {
    if (mailbox.expiresAt <= this.now()) return;
    this.drop(mailbox.id);
    if (this.byAddress.size >= this.max) {
      const oldest = this.byAddress.values().next().value;
      if (oldest) this.drop(oldest.id);
    }
    this.byAddress.set(mailbox.address, { ...mailbox });
    this.addressOf.set(mailbox.id, mailbox.address);
  }

  drop(mailboxId: string): void {
    const address = this.addressOf.get(mailboxId);
    if (address === undefined) return;
    this.addressOf.delete(mailboxId);
    this.byAddress.delete(address);
  }

  get size(): number {
    return this.byAddress.size;
  }
}
