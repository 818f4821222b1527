/**
 * Filters on a mailbox's messages, shared by inbox.php and wait.php: `match=any|otp|link`,
 * `from=` and `subject=` (contains, case-insensitive), `since=` (a message id, or an ISO time
 * compared with date_received to the second), `from_domain=` and `require_auth=1` (the sender's
 * domain; with require_auth, a domain the message is authenticated for: see sender-auth/).
 * Parsing and matching; no I/O.
 */
import { badRequest } from '../domain/errors.js';
import type { AuthenticationResults } from '../domain/types.js';
import { domainMatches } from '../sender-auth/verdict.js';

/** `match=`: any message, one with a code, or one with a confirmation link. */
export type MessageMatch = 'any' | 'otp' | 'link';

export interface MessageFilter {
  match: MessageMatch;
  /** Lower-cased; the sender address (or its display name) must contain it. */
  from: string | null;
  /** Lower-cased; the subject must contain it. */
  subject: string | null;
  /** Only messages newer than this one (a message id of the mailbox) ... */
  sinceId: string | null;
  /** ... or received at or after this instant (ms, whole seconds: date_received's precision). */
  sinceMs: number | null;
  /** Lower-cased domain: the sender's (or, with requireAuth, an authenticated) domain must be it or under it. */
  fromDomain: string | null;
  /**
   * Only authenticated messages: with fromDomain, one whose DMARC-passing From domain or a passing
   * DKIM d= matches it; without, one whose DMARC passed. A message whose checks have not run yet
   * does not match (yet).
   */
  requireAuth: boolean;
}

/** The fields of a message a filter looks at. */
export interface FilterCandidate {
  sender: string;
  sender_name?: string | null;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  /** ISO 8601, to the second. */
  date_received: string;
  /** Absent or null: not known (yet). */
  authentication?: AuthenticationResults | null;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;

/** Parses the filter parameters; absent ones filter nothing. */
export function parseMessageFilter(p: Record<string, string | undefined>): MessageFilter {
  const match = p.match === undefined || p.match === '' ? 'any' : p.match;
  if (match !== 'any' && match !== 'otp' && match !== 'link') throw badRequest('match must be any, otp or link.');
  let sinceId: string | null = null;
  let sinceMs: number | null = null;
  if (p.since !== undefined && p.since !== '') {
    if (MESSAGE_ID.test(p.since)) sinceId = p.since;
    else if (ISO_TIME.test(p.since) && Number.isFinite(Date.parse(p.since))) sinceMs = Math.floor(Date.parse(p.since) / 1000) * 1000;
    else throw badRequest('since must be a message id (msg_...) or an ISO 8601 time with its zone (e.g. 2026-03-07T13:05:22Z).');
  }
  let fromDomain: string | null = null;
  if (p.from_domain !== undefined && p.from_domain !== '') {
    fromDomain = p.from_domain.toLowerCase().replace(/\.$/, '');
    if (!DOMAIN.test(fromDomain)) throw badRequest('from_domain must be a domain name, e.g. example.com.');
  }
  const flag = p.require_auth;
  if (flag !== undefined && flag !== '' && flag !== '0' && flag !== '1' && flag !== 'true' && flag !== 'false') {
    throw badRequest('require_auth must be 1 or 0.');
  }
  const requireAuth = flag === '1' || flag === 'true';
  return { match, from: textFilter(p.from, 'from'), subject: textFilter(p.subject, 'subject'), sinceId, sinceMs, fromDomain, requireAuth };
}

/** True when the filter filters nothing. */
export const filtersNothing = (f: MessageFilter): boolean =>
  f.match === 'any' && f.from === null && f.subject === null && f.sinceId === null && f.sinceMs === null
  && f.fromDomain === null && !f.requireAuth;

/** True when the filter needs a message's authentication results. */
export const needsAuthentication = (f: MessageFilter): boolean => f.requireAuth;

/** The sender-domain and authentication conditions of a filter. */
function senderMatches(f: MessageFilter, m: FilterCandidate): boolean {
  if (f.requireAuth) {
    const auth = m.authentication;
    if (!auth) return false;
    if (f.fromDomain === null) return auth.dmarc.result === 'pass';
    return auth.verified_domains.some((d) => domainMatches(d, f.fromDomain!));
  }
  if (f.fromDomain === null) return true;
  const at = m.sender.lastIndexOf('@');
  return at > 0 && domainMatches(m.sender.slice(at + 1).toLowerCase(), f.fromDomain);
}

function textFilter(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > 256) throw badRequest(`${name} must be at most 256 characters.`);
  return value.toLowerCase();
}

/** True when a message satisfies the filter's match, text and time conditions (`sinceId` is positional: see newerThan). */
export function matchesFilter(f: MessageFilter, m: FilterCandidate): boolean {
  if (f.match === 'otp' && !m.otp) return false;
  if (f.match === 'link' && !m.confirmation_link) return false;
  if (f.from !== null && !m.sender.toLowerCase().includes(f.from) && !(m.sender_name ?? '').toLowerCase().includes(f.from)) return false;
  if (f.subject !== null && !m.subject.toLowerCase().includes(f.subject)) return false;
  if (f.sinceMs !== null && Date.parse(m.date_received) < f.sinceMs) return false;
  return senderMatches(f, m);
}

/**
 * The part of a newest-first listing newer than message `sinceId`: the messages listed before
 * it, or, when it is not in the listing, those received after it (`receivedAtOf` looks it up;
 * null when it is not the mailbox's message: a 400).
 */
export async function newerThan<T extends { id: string; date_received: string }>(
  listed: T[], sinceId: string, receivedAtOf: (id: string) => Promise<number | null>,
): Promise<T[]> {
  const at = listed.findIndex((s) => s.id === sinceId);
  if (at !== -1) return listed.slice(0, at);
  const receivedAt = await receivedAtOf(sinceId);
  if (receivedAt === null) throw badRequest('since is not a message of this mailbox.');
  return listed.filter((s) => Date.parse(s.date_received) > receivedAt);
}
