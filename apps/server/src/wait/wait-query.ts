/**
 * What a wait is waiting for (`wait.php`'s parameters): which messages match, since when, and
 * for how long. Pure: parsing and matching only, no I/O.
 */
import { badRequest } from '../domain/errors.js';

/** `match=`: any message, one with a code, or one with a confirmation link. */
export type WaitMatch = 'any' | 'otp' | 'link';

export interface WaitQuery {
  match: WaitMatch;
  /** Lower-cased; the sender address (or its display name) must contain it. */
  from: string | null;
  /** Lower-cased; the subject must contain it. */
  subject: string | null;
  /** Only messages newer than this one (a message id of the mailbox) ... */
  sinceId: string | null;
  /** ... or received at or after this instant (ms, whole seconds: date_received's precision). */
  sinceMs: number | null;
  /** How long the request may be held, in ms. */
  timeoutMs: number;
}

/** The fields of a message a wait looks at. */
export interface WaitCandidate {
  sender: string;
  sender_name?: string | null;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  /** Received at, in ms (of date_received: whole seconds). */
  receivedAt: number;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MESSAGE_ID = /^msg_[A-Za-z0-9_-]{1,64}$/;

/** Parses wait.php's parameters; `maxSeconds` bounds `timeout=` (default and ceiling). */
export function parseWaitQuery(p: Record<string, string | undefined>, maxSeconds: number): WaitQuery {
  const match = p.match === undefined || p.match === '' ? 'any' : p.match;
  if (match !== 'any' && match !== 'otp' && match !== 'link') throw badRequest('match must be any, otp or link.');
  let timeoutSeconds = maxSeconds;
  if (p.timeout !== undefined && p.timeout !== '') {
    if (!/^\d{1,6}(\.\d{1,3})?$/.test(p.timeout) || Number(p.timeout) <= 0 || Number(p.timeout) > maxSeconds) {
      throw badRequest(`timeout must be a number of seconds above 0 and at most ${maxSeconds}.`);
    }
    timeoutSeconds = Number(p.timeout);
  }
  let sinceId: string | null = null;
  let sinceMs: number | null = null;
  if (p.since !== undefined && p.since !== '') {
    if (MESSAGE_ID.test(p.since)) sinceId = p.since;
    else if (ISO_TIME.test(p.since) && Number.isFinite(Date.parse(p.since))) sinceMs = Math.floor(Date.parse(p.since) / 1000) * 1000;
    else throw badRequest('since must be a message id (msg_...) or an ISO 8601 time with its zone (e.g. 2026-03-07T13:05:22Z).');
  }
  return {
    match,
    from: textFilter(p.from, 'from'),
    subject: textFilter(p.subject, 'subject'),
    sinceId,
    sinceMs,
    timeoutMs: Math.round(timeoutSeconds * 1000),
  };
}

function textFilter(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > 256) throw badRequest(`${name} must be at most 256 characters.`);
  return value.toLowerCase();
}

/** True when a message satisfies the query's match and text filters (not `since`: see the hub). */
export function matchesWait(query: WaitQuery, m: WaitCandidate): boolean {
  if (query.match === 'otp' && !m.otp) return false;
  if (query.match === 'link' && !m.confirmation_link) return false;
  if (query.from !== null && !m.sender.toLowerCase().includes(query.from) && !(m.sender_name ?? '').toLowerCase().includes(query.from)) return false;
  if (query.subject !== null && !m.subject.toLowerCase().includes(query.subject)) return false;
  if (query.sinceMs !== null && m.receivedAt < query.sinceMs) return false;
  return true;
}
