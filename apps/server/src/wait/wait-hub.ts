/**
 * Held wait requests (`wait.php`). One bus subscription per mailbox however many requests wait
 * on it, one shared deadline timer (DeadlineWheel), and each new message read and decrypted
 * once for all of its mailbox's waiters. A wait subscribes before it looks at the messages
 * already there, so a message stored in between is seen either way (on any node: the bus
 * carries the notice). A held request is one small record (HeldWait) in its mailbox's set and
 * the wheel: no promise, timer, closure or subscription of its own, so ten thousand of them
 * cost little beyond their connections.
 */
import { AppError } from '../domain/errors.js';
import type { Mailbox } from '../domain/types.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { MessageStore } from '../ports/store.js';
import { type MessageFilter, type MessageMatch, matchesFilter, needsAuthentication, newerThan } from '../read/message-filter.js';
import type { MessageReader } from '../read/message-reader.js';
import { DeadlineWheel } from './deadlines.js';
import type { WaitQuery } from './wait-query.js';

/** How a wait ended: the matching message's JSON (read.php's answer), or why not. */
export type WaitOutcome =
  | { kind: 'message'; json: string }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'gone' }
  | { kind: 'closing' }
  | { kind: 'failed'; error: Error };

/**
 * Called once with a held request's outcome and the `target` it was held for (the HTTP reply):
 * one function for every wait, so a held request carries no closure of its own.
 */
export type WaitAnswer<T> = (target: T, outcome: WaitOutcome) => void;

/** The waiters of one mailbox on this node: one bus subscription for all of them. */
interface MailboxWaiters {
  /** The mailbox as its newest waiter resolved it (read with it; its expiry ends the waits). */
  mailbox: Mailbox;
  waiters: Set<HeldWait>;
  /** Resolves with the bus unsubscribe function once the subscription is active. */
  subscribed: Promise<() => void>;
}

/**
 * One held request: a plain record (no closures, no promise), answered at most once. What it
 * keeps is the filter, the holder's name for its cap, and what to answer.
 */
export class HeldWait {
  /** Null once answered or cancelled. */
  answer: WaitAnswer<unknown> | null;

  constructor(
    readonly entry: MailboxWaiters,
    /** The filter; waits that filter on `match` alone share one object. */
    readonly filter: MessageFilter,
    readonly timeoutMs: number,
    readonly holder: string,
    answer: WaitAnswer<unknown>,
    readonly target: unknown,
  ) {
    this.answer = answer;
  }
}

/** The filters of waits that only say `match=` (most do), one object each for all of them. */
const MATCH_ONLY: Record<MessageMatch, MessageFilter> = {
  any: Object.freeze(matchOnly('any')),
  otp: Object.freeze(matchOnly('otp')),
  link: Object.freeze(matchOnly('link')),
};

function matchOnly(match: MessageMatch): MessageFilter {
  return { match, from: null, subject: null, sinceId: null, sinceMs: null, fromDomain: null, requireAuth: false };
}

/** `query`'s filter, shared when it filters on `match` alone. */
function sharedFilter(q: WaitQuery): MessageFilter {
  const plain = q.from === null && q.subject === null && q.sinceId === null && q.sinceMs === null && q.fromDomain === null && !q.requireAuth;
  return plain ? MATCH_ONLY[q.match] : q;
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
  private readonly deadlines: DeadlineWheel<HeldWait>;
  private closing = false;

  constructor(private readonly o: WaitHubOptions) {
    this.deadlines = new DeadlineWheel((w) => this.settle(w, o.clock.now() >= w.entry.mailbox.expiresAt ? { kind: 'gone' } : { kind: 'timeout', afterMs: w.timeoutMs }), 100, () => o.clock.now());
  }

  /** Requests held now on this node (diagnostics, benchmarks). */
  get held(): number {
    return this.deadlines.size;
  }

  /** Bus subscriptions held now for waits (one per mailbox with waiters). */
  get subscriptions(): number {
    return this.byMailbox.size;
  }

  /**
   * Holds a request for the first message of `mailbox` that matches `query`: one already there,
   * or the next to arrive before the timeout (or the mailbox's expiry). `answer(target, outcome)`
   * is called once, never synchronously, and not after cancel(). Throws (429) when the holder
   * holds too many, and (503) while shutting down.
   */
  hold<T>(mailbox: Mailbox, query: WaitQuery, holder: string, answer: WaitAnswer<T>, target: T): HeldWait {
    if (this.closing) throw new AppError('unavailable', 'The server is shutting down; wait again.', { 'Retry-After': '1' });
    const count = this.perHolder.get(holder) ?? 0;
    if (count >= this.o.maxPerHolder) {
      throw new AppError('rate_limited', `At most ${this.o.maxPerHolder} waits may be held at once; answer or cancel one first.`, { 'Retry-After': '1' });
    }
    this.perHolder.set(holder, count + 1);
    const entry = this.entryOf(mailbox);
    const waiter = new HeldWait(entry, sharedFilter(query), query.timeoutMs, holder, answer as WaitAnswer<unknown>, target);
    entry.waiters.add(waiter);
    this.deadlines.add(waiter, Math.min(this.o.clock.now() + query.timeoutMs, mailbox.expiresAt));
    void this.answerFromExisting(waiter);
    return waiter;
  }

  /** The client went away: forgets the wait without answering it. */
  cancel(waiter: HeldWait): void {
    if (waiter.answer === null) return;
    waiter.answer = null;
    this.release(waiter);
  }

  /** A deleted or expired mailbox: its waiters get 404. */
  mailboxGone(mailboxId: string): void {
    const entry = this.byMailbox.get(mailboxId);
    if (!entry) return;
    for (const w of [...entry.waiters]) this.settle(w, { kind: 'gone' });
  }

  /** Shutting down: every held request is answered (503) and no new one is held. */
  close(): void {
    this.closing = true;
    for (const entry of [...this.byMailbox.values()]) for (const w of [...entry.waiters]) this.settle(w, { kind: 'closing' });
    this.deadlines.stop();
  }

  /** Answers a waiter once; later outcomes (and a cancelled waiter) are dropped. */
  private settle(waiter: HeldWait, outcome: WaitOutcome): void {
    const answer = waiter.answer;
    if (answer === null) return;
    waiter.answer = null;
    this.release(waiter);
    try {
      answer(waiter.target, outcome);
    } catch (err) {
      this.o.onError?.(err as Error);
    }
  }

  /**
   * Once the mailbox's subscription is active (so a message stored from now on is seen through
   * it), answers with the oldest matching message already there, if any.
   */
  private async answerFromExisting(waiter: HeldWait): Promise<void> {
    try {
      await waiter.entry.subscribed;
      if (waiter.answer === null) return;
      const mailbox = waiter.entry.mailbox;
      const found = await this.firstExisting(mailbox, waiter.filter);
      if (found && waiter.answer !== null) this.settle(waiter, { kind: 'message', json: await this.o.reader.getJson(mailbox, found) });
    } catch (err) {
      this.settle(waiter, { kind: 'failed', error: err as Error });
    }
  }

  /** The newest-first listing's oldest match, among messages newer than `since`. */
  private async firstExisting(mailbox: Mailbox, query: MessageFilter): Promise<string | null> {
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

  private entryOf(mailbox: Mailbox): MailboxWaiters {
    let entry = this.byMailbox.get(mailbox.id);
    if (entry) {
      entry.mailbox = mailbox;
      return entry;
    }
    const waiters = new Set<HeldWait>();
    const subscribed = this.o.bus.subscribe(mailbox.id, (notice) => {
      this.onMessage(waiters, notice.messageId, notice.kind === 'updated').catch((err: Error) => this.o.onError?.(err));
    });
    entry = { mailbox, waiters, subscribed };
    this.byMailbox.set(mailbox.id, entry);
    // A failed subscription fails its waiters (answerFromExisting); the entry goes with them.
    subscribed.catch(() => {});
    return entry;
  }

  /**
   * A new message, or (`updated`) authentication results of one: read once, then every waiter
   * it matches is answered. An updated message may be older than a waiter's `since`: checked.
   */
  private async onMessage(waiters: Set<HeldWait>, messageId: string, updated: boolean): Promise<void> {
    const first = waiters.values().next().value;
    if (!first) return;
    const mailbox = first.entry.mailbox;
    // The 'updated' form carries the authentication results (require_auth filters need them).
    const event = await this.o.reader.event(mailbox, messageId, 'message.updated');
    if (!event) return;
    const candidate = { ...event, date_received: event.received_at };
    let matched = [...waiters].filter((w) => matchesFilter(w.filter, candidate));
    if (updated && matched.some((w) => w.filter.sinceId !== null)) {
      const ref = await this.o.messages.ref(mailbox.id, messageId);
      const newer = await Promise.all(matched.map(async (w) => {
        if (w.filter.sinceId === null) return true;
        const since = await this.o.messages.ref(mailbox.id, w.filter.sinceId);
        return ref !== null && since !== null && ref.receivedAt > since.receivedAt;
      }));
      matched = matched.filter((_, i) => newer[i]);
    }
    if (matched.length === 0) return;
    const json = await this.o.reader.getJson(mailbox, messageId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null; // deleted meanwhile
      throw err;
    });
    if (json === null) return;
    for (const w of matched) this.settle(w, { kind: 'message', json });
  }

  private release(waiter: HeldWait): void {
    this.deadlines.remove(waiter);
    const left = (this.perHolder.get(waiter.holder) ?? 1) - 1;
    if (left <= 0) this.perHolder.delete(waiter.holder);
    else this.perHolder.set(waiter.holder, left);
    const entry = waiter.entry;
    entry.waiters.delete(waiter);
    if (entry.waiters.size > 0 || this.byMailbox.get(entry.mailbox.id) !== entry) return;
    this.byMailbox.delete(entry.mailbox.id);
    entry.subscribed.then((unsubscribe) => unsubscribe(), () => {});
  }
}
