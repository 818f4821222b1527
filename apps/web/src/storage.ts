/**
 * What survives a reload, in localStorage, shared by every tab of the page: the current
 * mailbox, every mailbox the page made ("your addresses", until deleted or expired), the
 * chosen lifetime, and which messages were opened. Other tabs learn of a change through the
 * `storage` event ({@link onStoredChange}). Storage may be unavailable (private modes,
 * quotas): every call then quietly does nothing.
 */
import type { Mailbox } from './api.ts';

/** The current mailbox (one for all tabs). */
export const CURRENT_KEY = 'tempmail.mailbox.v1';
/** Every mailbox the page made and has not deleted. */
export const ADDRESSES_KEY = 'tempmail.mailboxes.v1';
const TTL_KEY = 'tempmail.ttl.v1';
const DOMAIN_KEY = 'tempmail.domain.v1';
const SEEN_KEY = 'tempmail.seen.v2';

function get(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function set(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage full or blocked: the page still works, it just forgets on reload
  }
}

function asMailbox(x: unknown): Mailbox | null {
  const mb = x as Partial<Mailbox> | null;
  if (!mb || typeof mb.email !== 'string' || typeof mb.token !== 'string' || typeof mb.expires_at !== 'string') return null;
  if (!Number.isFinite(Date.parse(mb.expires_at))) return null;
  return { email: mb.email, token: mb.token, expires_at: mb.expires_at, ...(mb.shared === true ? { shared: true as const } : {}) };
}

function parse(raw: string | null): unknown {
  try {
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

/** Whether a mailbox still has at least `marginMs` to live at `now`. */
export function isLive(mb: Mailbox, now: number, marginMs = 0): boolean {
  return Date.parse(mb.expires_at) - now >= marginMs;
}

/** The stored current mailbox (expired or not), or null. */
export function loadCurrent(): Mailbox | null {
  return asMailbox(parse(get(CURRENT_KEY)));
}

export function saveCurrent(mb: Mailbox | null): void {
  set(CURRENT_KEY, mb ? JSON.stringify(mb) : null);
}

/** Every stored mailbox still live at `now` (the current one included), soonest to expire last. */
export function loadAddresses(now: number): Mailbox[] {
  const raw = parse(get(ADDRESSES_KEY));
  const list = (Array.isArray(raw) ? raw : []).map(asMailbox).filter((m): m is Mailbox => m !== null);
  const current = loadCurrent();
  if (current && !list.some((m) => m.email === current.email)) list.push(current);
  return list.filter((m) => isLive(m, now)).sort((a, b) => Date.parse(b.expires_at) - Date.parse(a.expires_at));
}

export function saveAddresses(list: Mailbox[]): void {
  set(ADDRESSES_KEY, JSON.stringify(list));
  const emails = new Set(list.map((m) => m.email));
  const seen = loadSeenAll();
  for (const email of Object.keys(seen)) if (!emails.has(email)) delete seen[email];
  set(SEEN_KEY, JSON.stringify(seen));
}

/** Adds or updates one mailbox in the stored list. */
export function rememberAddress(mb: Mailbox, now: number): Mailbox[] {
  const list = [mb, ...loadAddresses(now).filter((m) => m.email !== mb.email)];
  saveAddresses(list);
  return loadAddresses(now);
}

/** Removes one mailbox from the stored list (and clears it as current if it was). */
export function forgetAddress(email: string, now: number): Mailbox[] {
  if (loadCurrent()?.email === email) saveCurrent(null);
  saveAddresses(loadAddresses(now).filter((m) => m.email !== email));
  return loadAddresses(now);
}

/** Calls `fn` when another tab changes the current mailbox or the list. */
export function onStoredChange(fn: () => void): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === null || e.key === CURRENT_KEY || e.key === ADDRESSES_KEY) fn();
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}

/** The domain chosen for new addresses, or null for the server's default. */
export function loadDomain(): string | null {
  return get(DOMAIN_KEY);
}

export function saveDomain(domain: string | null): void {
  set(DOMAIN_KEY, domain);
}

export function loadTtl(fallback: number): number {
  const n = Number(get(TTL_KEY));
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function saveTtl(ttl: number): void {
  set(TTL_KEY, String(ttl));
}

function loadSeenAll(): Record<string, string[]> {
  const raw = parse(get(SEEN_KEY));
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, string[]>) : {};
}

/** Ids of messages already opened in a mailbox. */
export function loadSeen(email: string): Set<string> {
  const list = loadSeenAll()[email];
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
}

export function saveSeen(email: string, seen: Set<string>): void {
  const all = loadSeenAll();
  all[email] = [...seen].slice(-500);
  set(SEEN_KEY, JSON.stringify(all));
}

const BROWSER_KEY = 'tempmail.browser.v1';

/** A random id for this browser (all its tabs), made once: only a label for the per-browser cap. */
export function browserId(): string {
  let id = get(BROWSER_KEY);
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    set(BROWSER_KEY, id);
  }
  return id;
}
