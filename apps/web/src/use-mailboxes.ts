/**
 * The page's mailboxes: the current one, every one it made ("your addresses", switchable until
 * deleted or expired), creation with a human answer when a cap is reached (and a retry by itself
 * after `Retry-After`), delete, extend, and the same state in every tab (localStorage + the
 * `storage` event).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type DeletionReceipt, deleteMailbox, extendMailbox, generateMailbox, type Mailbox } from './api.ts';
import { takeSharedMailbox } from './share.ts';
import {
  forgetAddress, isLive, loadAddresses, loadCurrent, loadDomain, onStoredChange, rememberAddress, saveCurrent,
} from './storage.ts';

/** A message under the address, optionally offering to delete the previous address. */
export interface Notice {
  text: string;
  offerDelete?: Mailbox;
  /** The deletion receipt of the address just deleted, offered to copy or download. */
  receipt?: DeletionReceipt;
}

/** New addresses are refused for a while: the page says why and tries again at `until`. */
export interface Blocked {
  until: number;
  /** The live-address cap of this network or browser, when that is the reason (else a rate limit). */
  cap: number | null;
  /** Whose cap: this browser's, or the whole network's (everyone behind its address). */
  scope: 'browser' | 'network';
}

export type Busy = 'new' | 'delete' | 'extend' | null;

/** A stored mailbox is reused on load only with at least this much time left. */
const REUSE_MARGIN_MS = 5000;
/** When no tab has a current mailbox for this long (another tab closed mid-way), make one. */
const HEAL_MS = 3000;

/** The cap from the server's message ("At most 20 live mailboxes per browser; …"), if that is the refusal. */
function capOf(err: ApiError): { cap: number | null; scope: Blocked['scope'] } {
  const m = /at most (\d+) live mailboxes per (\w+)/i.exec(err.message);
  return { cap: m ? Number(m[1]) : null, scope: m?.[2].toLowerCase() === 'browser' ? 'browser' : 'network' };
}

export function useMailboxes(opts: { now: number; announce(text: string): void }) {
  const { announce } = opts;
  const [current, setCurrent] = useState<Mailbox | null>(null);
  const [addresses, setAddresses] = useState<Mailbox[]>([]);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [blocked, setBlocked] = useState<Blocked | null>(null);
  /** Set when the server said the current mailbox expired before our clock did. */
  const [goneEarly, setGoneEarly] = useState<string | null>(null);
  /** Why the server refused the chosen name (shown under the name field), or null. */
  const [nameError, setNameError] = useState<string | null>(null);
  const creating = useRef(false);
  /** What the next create asks for (also what the retry after a cap asks for again). */
  const pending = useRef<{ ttl: number; fallback?: boolean; name?: string }>({ ttl: 3600 });
  const currentRef = useRef<Mailbox | null>(null);
  currentRef.current = current;

  const adopt = useCallback((mb: Mailbox | null, save = true) => {
    if (save) saveCurrent(mb);
    setCurrent(mb);
    setGoneEarly(null);
  }, []);

  /**
   * Makes a new address (random, or `name` before the @) and makes it current; a 429 blocks and
   * retries later; a refused name is kept for the name field ({@link nameError}), not the card.
   */
  const create = useCallback(
    async (o: { ttl: number; fallback?: boolean; name?: string; notice?: (previous: Mailbox | null) => Notice | null }): Promise<boolean> => {
      if (creating.current) return false;
      creating.current = true;
      pending.current = { ttl: o.ttl, fallback: o.fallback, name: o.name };
      setBusy('new');
      setError(null);
      setNameError(null);
      try {
        let mb: Mailbox;
        try {
          mb = await generateMailbox(o.ttl, loadDomain() ?? undefined, o.name);
        } catch (err) {
          if (!(o.fallback && err instanceof ApiError && err.status === 400)) throw err;
          mb = await generateMailbox();
          setError(`${err.message} The server's default lifetime was used.`);
        }
        const previous = currentRef.current;
        pending.current = { ttl: o.ttl, fallback: o.fallback };
        setAddresses(rememberAddress(mb, Date.now()));
        adopt(mb);
        setBlocked(null);
        const n = o.notice?.(previous) ?? null;
        setNotice(n);
        announce(`${n ? `${n.text} ` : ''}New address: ${mb.email}`);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 429) {
          const { cap, scope } = capOf(err);
          setBlocked({ until: Date.now() + (err.retryAfter ?? 30) * 1000, cap, scope });
          const holder = scope === 'browser' ? 'you already have' : 'your network already has';
          announce(cap ? `No new address: ${holder} ${cap} addresses in use.` : 'Too many requests just now; trying again shortly.');
        } else if (o.name && err instanceof ApiError && err.param === 'name') {
          pending.current = { ttl: o.ttl, fallback: o.fallback };
          setBlocked(null);
          setNameError(err.message);
        } else {
          setError(err instanceof ApiError ? err.message : 'Could not create an address.');
        }
        return false;
      } finally {
        creating.current = false;
        setBusy(null);
      }
    },
    [announce, adopt],
  );

  /** The newest live stored address, else a new one. */
  const next = useCallback(
    (ttl: number, notice: Notice | null) => {
      const other = loadAddresses(Date.now()).find((m) => isLive(m, Date.now(), REUSE_MARGIN_MS));
      if (other) {
        adopt(other);
        setNotice(notice);
        announce(`${notice ? `${notice.text} ` : ''}Now showing ${other.email}`);
        return;
      }
      void create({ ttl, fallback: true, notice: () => notice });
    },
    [adopt, announce, create],
  );

  // First load: a mailbox shared from another device (share.ts), else the stored current
  // mailbox, else another stored one, else a new one.
  const start = useCallback((ttl: number) => {
    const now = Date.now();
    setAddresses(loadAddresses(now));
    const shared = takeSharedMailbox();
    if (shared && isLive(shared, now)) {
      setAddresses(rememberAddress(shared, now));
      adopt(shared);
      setNotice({ text: `Opened ${shared.email} from a shared link.` });
      return;
    }
    const stored = loadCurrent();
    if (stored && isLive(stored, now, REUSE_MARGIN_MS)) adopt(stored, false);
    else next(ttl, null);
  }, [adopt, next]);

  // Other tabs: one current mailbox and one list for all.
  useEffect(
    () =>
      onStoredChange(() => {
        const now = Date.now();
        const list = loadAddresses(now);
        setAddresses(list);
        const stored = loadCurrent();
        const mine = currentRef.current;
        if (stored) {
          if (!mine || stored.email !== mine.email || stored.expires_at !== mine.expires_at) {
            adopt(stored, false);
            if (mine && stored.email !== mine.email) setNotice(null);
          }
        } else if (mine && !list.some((m) => m.email === mine.email) && isLive(mine, now)) {
          adopt(null, false); // deleted in another tab, which picks the next one
        }
      }),
    [adopt],
  );

  // Self-healing: no current mailbox anywhere for a while (and nothing under way) makes one.
  useEffect(() => {
    if (current || busy || blocked) return;
    const t = setTimeout(() => {
      if (!loadCurrent() && !currentRef.current) next(pending.current.ttl, null);
      else if (!currentRef.current) adopt(loadCurrent(), false);
    }, HEAL_MS);
    return () => clearTimeout(t);
  }, [current, busy, blocked]);

  // Blocked: try again by itself once the server's Retry-After has passed.
  useEffect(() => {
    if (blocked && opts.now >= blocked.until && !creating.current) {
      void create({ ...pending.current, notice: () => ({ text: 'A new address was made as soon as the server allowed it.' }) });
    }
  }, [blocked, opts.now >= (blocked?.until ?? Infinity)]);

  /** Deletes a mailbox (the current one or another from the list) on the server and here. */
  const remove = useCallback(
    async (mb: Mailbox, ttl: number) => {
      if (busy) return;
      setBusy('delete');
      setError(null);
      const wasCurrent = currentRef.current?.email === mb.email;
      setAddresses(forgetAddress(mb.email, Date.now())); // other tabs learn first, so they do not replace it
      let receipt: DeletionReceipt | null = null;
      try {
        receipt = await deleteMailbox(mb);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) {
          setAddresses(rememberAddress(mb, Date.now()));
          if (wasCurrent) saveCurrent(mb);
          setError(err instanceof ApiError ? err.message : 'Could not delete the address.');
          setBusy(null);
          return;
        }
      }
      setBusy(null);
      const text = receipt ? `Deleted — receipt ${receipt.seq} for ${mb.email} and its mail.` : `${mb.email} was deleted with its mail.`;
      const notice: Notice = receipt ? { text, receipt } : { text };
      if (wasCurrent) next(ttl, notice);
      else {
        setNotice(notice);
        announce(text);
      }
      if (blocked) setBlocked({ ...blocked, until: Date.now() }); // room for a new one: try at once
    },
    [busy, blocked, next, announce],
  );

  /** Adds time to the current mailbox, up to the server's maximum lifetime. */
  const extend = useCallback(
    async (ttl: number) => {
      const mb = currentRef.current;
      if (!mb || busy) return;
      setBusy('extend');
      setError(null);
      try {
        const res = await extendMailbox(mb, ttl);
        const updated = { ...mb, expires_at: res.expires_at };
        setAddresses(rememberAddress(updated, Date.now()));
        adopt(updated);
        const text = res.expires_at === mb.expires_at
          ? 'This address already has the most time the server allows.'
          : 'More time was added to this address.';
        setNotice({ text });
        announce(text);
      } catch (err) {
        setError(err instanceof ApiError ? err.message : 'Could not extend the address.');
      } finally {
        setBusy(null);
      }
    },
    [busy, adopt, announce],
  );

  /** Makes another stored address current (reusing one is a way past the cap: no more retries). */
  const switchTo = useCallback((mb: Mailbox) => {
    adopt(mb);
    setBlocked(null);
    setNotice(null);
    setError(null);
    announce(`Now showing ${mb.email}`);
  }, [adopt, announce]);

  /**
   * The live connection says the current mailbox is gone. Expired: kept on screen with a note.
   * Deleted in another tab: that tab picks the next one. Deleted elsewhere: the next one here.
   */
  const gone = useCallback(
    (mb: Mailbox, reason: 'expired' | 'deleted' | 'unknown', ttl: number) => {
      if (busy === 'delete') return; // our own delete picks the next address itself
      if (reason === 'expired') {
        setGoneEarly(mb.email);
        return;
      }
      const list = loadAddresses(Date.now());
      if (!list.some((m) => m.email === mb.email)) return;
      setAddresses(forgetAddress(mb.email, Date.now()));
      next(ttl, { text: 'That address no longer exists.' });
    },
    [busy, next],
  );

  /** The name form was closed: the retry after a cap makes a random address, and no old refusal shows. */
  const dropName = useCallback(() => {
    pending.current = { ...pending.current, name: undefined };
    setNameError(null);
  }, []);

  const expired = current !== null && (goneEarly === current.email || Date.parse(current.expires_at) <= opts.now);
  return {
    current, addresses, busy, error, notice, blocked, expired, nameError,
    start, create, remove, extend, switchTo, gone, setNotice, dropName,
    retryNow: () => blocked && setBlocked({ ...blocked, until: Date.now() }),
    /** Keep the address shown and stop trying to make a new one (only offered while one is shown). */
    stopTrying: () => currentRef.current && setBlocked(null),
  };
}
