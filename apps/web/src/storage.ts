/**
 * What survives a reload, in localStorage: the current mailbox (until it expires), the
 * chosen lifetime, and which messages were opened. Storage may be unavailable (private
 * modes, quotas): every call then quietly does nothing.
 */
import type { Mailbox } from './api.ts';

const MAILBOX_KEY = 'tempmail.mailbox.v1';
const TTL_KEY = 'tempmail.ttl.v1';
const SEEN_KEY = 'tempmail.seen.v1';

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

/** The stored mailbox if it is still valid for at least `marginMs`. */
export function loadMailbox(now: number, marginMs = 5000): Mailbox | null {
  const raw = get(MAILBOX_KEY);
  if (!raw) return null;
  try {
    const mb = JSON.parse(raw) as Partial<Mailbox>;
    if (typeof mb.email !== 'string' || typeof mb.token !== 'string' || typeof mb.expires_at !== 'string') return null;
    const exp = Date.parse(mb.expires_at);
    if (!Number.isFinite(exp) || exp - now < marginMs) return null;
    return { email: mb.email, token: mb.token, expires_at: mb.expires_at };
  } catch {
    return null;
  }
}

export function saveMailbox(mb: Mailbox | null): void {
  set(MAILBOX_KEY, mb ? JSON.stringify(mb) : null);
  set(SEEN_KEY, null);
}

export function loadTtl(fallback: number): number {
  const n = Number(get(TTL_KEY));
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function saveTtl(ttl: number): void {
  set(TTL_KEY, String(ttl));
}

/** Ids of messages already opened in the current mailbox. */
export function loadSeen(): Set<string> {
  try {
    const list = JSON.parse(get(SEEN_KEY) ?? '[]') as unknown;
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function saveSeen(seen: Set<string>): void {
  set(SEEN_KEY, JSON.stringify([...seen].slice(-500)));
}
