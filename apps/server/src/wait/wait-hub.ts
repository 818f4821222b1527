/**
 * Held wait requests (`wait.php`). One bus subscription per mailbox however many requests wait
 * on it, one shared deadline timer (DeadlineWheel), and each new message read and decrypted
 * once for all of its mailbox's waiters. A wait subscribes before it looks at the messages
 * already there, so a message stored in between is seen either way (on any node: the bus
 * carries the notice).
 */
import { AppError } from '../domain/errors.js';
import type { Mailbox } from '../domain/types.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { MessageStore } from '../ports/store.js';
import { matchesFilter, needsAuthentication, newerThan } from '../read/message-filter.js';
import type { MessageReader } from '../read/message-reader.js';
import { DeadlineWheel } from './deadlines.js';
import type { WaitQuery } from './wait-query.js';

/** How a wait ended: the matching message's JSON (read.php's answer), or why not. */
export type WaitOutcome =
  | { kind: 'message'; json: string }
  | { kind: 'timeout' }
  | { kind: 'gone' }
  | { kind: 'closing' };

interface Waiter {
  mailbox: Mailbox;
  query: WaitQuery;
  holder: string;
  settle(outcome: WaitOutcome): void;
}

interface MailboxWaiters {
  waiters: Set<Waiter>;
  /** Resolves with the bus unsubscribe function once the subscription is active. */
  subscribed: Promise<() => void>;
}

export interface WaitHubOptions {
  bus: EventBus;
  reader: MessageReader;
  messages: MessageStore;
  clock: Clock;
  /** Requests one holder (API key or client address) may hold at once on this node. */
  maxPerHolder: number;
  onError?: (err: Error) => void;
}

export class WaitHub {
  private readonly byMailbox = new Map<string, MailboxWaiters>();
  private readonly perHolder = new Map<string, number>();
  private readonly deadlines: DeadlineWheel<Waiter>;
  private closing = false;

  constructor(private readonly o: WaitHubOptions) {
    this.deadlines = new DeadlineWheel((w) => w.settle(o.clock.now() >= w.mailbox.expiresAt ? { kind: 'gone' } : { kind: 'timeout' }), 100, () => o.clock.now());
  }

  /** Requests held now on this node (diagnostics, benchmarks). */
  get held(): number {
    return this.deadlines.size;
  }

  /**
   * Answers with the first message of `mailbox` that matches `query`: one already there, or
   * the next to arrive before the timeout (or the mailbox's expiry). `onCancel` receives the
   * function to call when the client goes away.
   */
  async wait(mailbox: Mailbox, query: WaitQuery, holder: string, onCancel: (cancel: () => void) => void): Promise<WaitOutcome> {
    if (this.closing) return { kind: 'closing' };
    const count = this.perHolder.get(holder) ?? 0;
    if (count >= this.o.maxPerHolder) {
      throw new AppError('rate_limited', `At most ${this.o.maxPerHolder} waits may be held at once; answer or cancel one first.`, { 'Retry-After': '1' });
    }
    let settle!: (outcome: WaitOutcome) => void;
    const done = new Promise<WaitOutcome>((resolve) => { settle = resolve; });
    let settled = false;
    const waiter: Waiter = {
      mailbox, query, holder,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        this.release(waiter);
        settle(outcome);
      },
    };
    this.perHolder.set(holder, count + 1);
    const entry = this.entryOf(mailbox.id);
    entry.waiters.add(waiter);
    this.deadlines.add(waiter, Math.min(this.o.clock.now() + query.timeoutMs, mailbox.expiresAt));
    onCancel(() => waiter.settle({ kind: 'closing' }));
    try {
      await entry.subscribed;
      const found = await this.firstExisting(mailbox, query);
      if (found) waiter.settle({ kind: 'message', json: await this.o.reader.getJson(mailbox, found) });
    } catch (err) {
      waiter.settle({ kind: 'closing' });
      throw err;
    }
    return done;
  }

  /** A deleted or expired mailbox: its waiters get 404. */
  mailboxGone(mailboxId: string): void {
    const entry = this.byMailbox.get(mailboxId);
    if (!entry) return;
    for (const w of [...entry.waiters]) w.settle({ kind: 'gone' });
  }

  /** Shutting down: every held request is answered (503) and no new one is held. */
  close(): void {
    this.closing = true;
    for (const entry of [...this.byMailbox.values()]) for (const w of [...entry.waiters]) w.settle({ kind: 'closing' });
    this.deadlines.stop();
  }

  /** The newest-first listing's oldest match, among messages newer than `since`. */
  private async firstExisting(mailbox: Mailbox, query: WaitQuery): Promise<string | null> {
    let listed = await this.o.reader.list(mailbox, 1000);
    if (query.sinceId !== null) {
      listed = await newerThan(listed, query.sinceId, async (id) => (await this.o.messages.ref(mailbox.id, id))?.receivedAt ?? null);
    }
    const auth = needsAuthentication(query);
    const withoutAuth = { ...query, requireAuth: false, fromDomain: null };
    for (let i = listed.length - 1; i >= 0; i--) {
      const m = listed[i]!;
      if (!auth) {
        if (matchesFilter(query, m)) return m.id;
        continue;
      }
      // Authentication results are read only for messages that pass the rest of the filter.
      if (matchesFilter(withoutAuth, m) && matchesFilter(query, { ...m, authentication: await this.o.reader.authenticationOf(mailbox, m.id) })) return m.id;
    }
    return null;
  }

  private entryOf(mailboxId: string): MailboxWaiters {
    let entry = this.byMailbox.get(mailboxId);
    if (entry) return entry;
    const waiters = new Set<Waiter>();
    const subscribed = this.o.bus.subscribe(mailboxId, (notice) => {
      this.onMessage(waiters, notice.messageId, notice.kind === 'updated').catch((err: Error) => this.o.onError?.(err));
    });
    entry = { waiters, subscribed };
    this.byMailbox.set(mailboxId, entry);
    // A failed subscription fails its waiters (their wait() throws); the entry goes with them.
    subscribed.catch(() => {});
    return entry;
  }

  /**
   * A new message, or (`updated`) authentication results of one: read once, then every waiter
   * it matches is answered. An updated message may be older than a waiter's `since`: checked.
   */
  private async onMessage(waiters: Set<Waiter>, messageId: string, updated: boolean): Promise<void> {
    const first = waiters.values().next().value;
    if (!first) return;
    // The 'updated' form carries the authentication results (require_auth filters need them).
    const event = await this.o.reader.event(first.mailbox, messageId, 'message.updated');
    if (!event) return;
    const candidate = { ...event, date_received: event.received_at };
    let matched = [...waiters].filter((w) => matchesFilter(w.query, candidate));
    if (updated && matched.some((w) => w.query.sinceId !== null)) {
      const ref = await this.o.messages.ref(first.mailbox.id, messageId);
      const newer = await Promise.all(matched.map(async (w) => {
        if (w.query.sinceId === null) return true;
        const since = await this.o.messages.ref(first.mailbox.id, w.query.sinceId);
        return ref !== null && since !== null && ref.receivedAt > since.receivedAt;
      }));
      matched = matched.filter((_, i) => newer[i]);
    }
    if (matched.length === 0) return;
    const json = await this.o.reader.getJson(first.mailbox, messageId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null; // deleted meanwhile
      throw err;
    });
    if (json === null) return;
    for (const w of matched) w.settle({ kind: 'message', json });
  }

  private release(waiter: Waiter): void {
    this.deadlines.remove(waiter);
    const left = (this.perHolder.get(waiter.holder) ?? 1) - 1;
    if (left <= 0) this.perHolder.delete(waiter.holder);
    else this.perHolder.set(waiter.holder, left);
    const entry = this.byMailbox.get(waiter.mailbox.id);
    if (!entry) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size > 0) return;
    this.byMailbox.delete(waiter.mailbox.id);
    entry.subscribed.then((unsubscribe) => unsubscribe(), () => {});
  }
}
