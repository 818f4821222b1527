/**
 * Moving a mailbox to another device: a link that carries the address, its token and expiry
 * in the URL fragment. Browsers never send a fragment to the server, so the token reaches no
 * server log; the page reads it on load and removes it from the address bar at once.
 */
import type { Mailbox } from './api.ts';

const PREFIX = '#open?';

/** The link that opens `mb` in this page on another device. */
export function shareLink(mb: Mailbox, base: string = location.origin + location.pathname): string {
  const q = new URLSearchParams({ email: mb.email, token: mb.token, expires: mb.expires_at });
  return `${base}${PREFIX}${q.toString()}`;
}

/** The mailbox a shared link's fragment carries, or null when the fragment is not one. */
export function mailboxFromFragment(hash: string): Mailbox | null {
  if (!hash.startsWith(PREFIX)) return null;
  const q = new URLSearchParams(hash.slice(PREFIX.length));
  const email = q.get('email') ?? '';
  const token = q.get('token') ?? '';
  const expires = q.get('expires') ?? '';
  if (!/^[^@\s]{1,64}@[^@\s]{1,253}$/.test(email) || !/^[A-Za-z0-9_-]{16,}$/.test(token) || Number.isNaN(Date.parse(expires))) return null;
  return { email: email.toLowerCase(), token, expires_at: expires, shared: true };
}

/** Reads a shared mailbox from the page's URL once, then removes it from the URL and history entry. */
export function takeSharedMailbox(): Mailbox | null {
  const mb = mailboxFromFragment(location.hash);
  if (location.hash.startsWith(PREFIX)) history.replaceState(history.state, '', location.pathname + location.search);
  return mb;
}
