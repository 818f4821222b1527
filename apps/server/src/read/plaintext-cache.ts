/**
 * Decrypted data of live mailboxes, kept in memory for a short while so that repeated reads
 * (inbox polling, a message opened again) skip the sealed columns and AES-GCM (messages never
 * change once stored). Plaintext must not outlive its use: an entry is dropped `ttlMs` after it
 * was decrypted (a hit does not extend it), when its message is deleted (`forget`), when its
 * mailbox goes (`dropMailbox`: its data key is forgotten, deleted here, swept, or deleted by
 * another node) and at the mailbox's expiry, whichever comes first. One timer, armed for the
 * earliest of these deadlines, does the time-based drops, so they hold on a node that neither
 * sweeps that mailbox nor reads it again. Bounded by entries and by bytes; oldest out first.
 *
 * A hit says nothing about whether the message still exists or who may read it: callers
 * authorise the mailbox and check the message first (both exact, from the store).
 */
export interface PlaintextCacheLimits {
  maxEntries: number;
  /** Approximate bytes held (the callers' estimate); one entry above a quarter of it is not kept. */
  maxBytes: number;
  /** Longest an entry is kept after it was set, ms (0: nothing is kept). */
  ttlMs: number;
}

interface Entry<V> {
  mailboxId: string;
  value: V;
  bytes: number;
  /** When it goes whatever happens: set time + ttlMs. */
  dropAt: number;
}

interface MailboxEntries {
  expiresAt: number;
  ids: Set<string>;
}

/** setTimeout's longest delay (about 24.8 days); a later deadline re-arms when it fires. */
const MAX_DELAY = 2 ** 31 - 1;

export class PlaintextCache<V> {
  /**
   * By item id (message ids are unique across mailboxes). Map order is insertion order, and
   * `set` re-inserts, so it is also `dropAt` order: the first entry is always the next to age out.
   */
  private readonly entries = new Map<string, Entry<V>>();
  private readonly mailboxes = new Map<string, MailboxEntries>();
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(private readonly limits: PlaintextCacheLimits, private readonly now: () => number = Date.now) {}

  get(mailboxId: string, id: string): V | undefined {
    const e = this.entries.get(id);
    return e && e.mailboxId === mailboxId && e.dropAt > this.now() ? e.value : undefined;
  }

  set(mailbox: { id: string; expiresAt: number }, id: string, value: V, bytes: number): void {
    const now = this.now();
    if (this.limits.ttlMs <= 0 || mailbox.expiresAt <= now || bytes > this.limits.maxBytes / 4) return;
    this.delete(id);
    while (this.entries.size > 0 && (this.entries.size >= this.limits.maxEntries || this.bytes + bytes > this.limits.maxBytes)) {
      this.delete(this.entries.keys().next().value!);
    }
    const dropAt = now + this.limits.ttlMs;
    this.entries.set(id, { mailboxId: mailbox.id, value, bytes, dropAt });
    this.bytes += bytes;
    let m = this.mailboxes.get(mailbox.id);
    if (!m) this.mailboxes.set(mailbox.id, (m = { expiresAt: mailbox.expiresAt, ids: new Set() }));
    m.ids.add(id);
    const next = Math.min(mailbox.expiresAt, this.entries.values().next().value!.dropAt);
    if (next < this.timerAt) this.arm(next);
  }

  /** Forgets one item of a mailbox (a deleted message). */
  forget(mailboxId: string, id: string): void {
    if (this.entries.get(id)?.mailboxId === mailboxId) this.delete(id);
  }

  /** Forgets everything decrypted for a mailbox. */
  dropMailbox(mailboxId: string): void {
    const m = this.mailboxes.get(mailboxId);
    if (!m) return;
    for (const id of m.ids) this.delete(id);
  }

  /** Forgets every mailbox whose expiry is at or before `now`, and every entry set `ttlMs` or more before it. */
  dropExpired(now: number): void {
    for (const [mailboxId, m] of this.mailboxes) if (m.expiresAt <= now) this.dropMailbox(mailboxId);
    for (const [id, e] of this.entries) {
      if (e.dropAt > now) break; // in dropAt order
      this.delete(id);
    }
  }

  /** True while anything of the mailbox is held (tests, diagnostics). */
  holds(mailboxId: string): boolean {
    return this.mailboxes.has(mailboxId);
  }

  /** Entries and approximate bytes held (tests, diagnostics). */
  get size(): { entries: number; bytes: number; mailboxes: number } {
    return { entries: this.entries.size, bytes: this.bytes, mailboxes: this.mailboxes.size };
  }

  /** Empties the cache and stops its timer. */
  clear(): void {
    this.entries.clear();
    this.mailboxes.clear();
    this.bytes = 0;
    this.disarm();
  }

  private delete(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.bytes -= e.bytes;
    const m = this.mailboxes.get(e.mailboxId);
    if (m) {
      m.ids.delete(id);
      if (m.ids.size === 0) this.mailboxes.delete(e.mailboxId);
    }
    if (this.entries.size === 0) this.disarm();
  }

  private arm(at: number): void {
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.min(MAX_DELAY, Math.max(0, at - this.now())));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    this.dropExpired(this.now());
    let next = this.entries.values().next().value?.dropAt ?? Infinity;
    for (const m of this.mailboxes.values()) next = Math.min(next, m.expiresAt);
    if (next !== Infinity) this.arm(next);
  }
}
