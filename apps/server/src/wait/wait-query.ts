/** What a wait is waiting for (`wait.php`'s parameters): the message filter and how long to hold. */
import { badRequest } from '../domain/errors.js';
import { type MessageFilter, parseMessageFilter } from '../read/message-filter.js';

export interface WaitQuery extends MessageFilter {
  /** How long the request may be held, in ms. */
  timeoutMs: number;
}

/** Parses wait.php's parameters; `maxSeconds` bounds `timeout=` (its default and ceiling). */
export function parseWaitQuery(p: Record<string, string | undefined>, maxSeconds: number): WaitQuery {
  let timeoutSeconds = maxSeconds;
  if (p.timeout !== undefined && p.timeout !== '') {
    if (!/^\d{1,6}(\.\d{1,3})?$/.test(p.timeout) || Number(p.timeout) <= 0 || Number(p.timeout) > maxSeconds) {
      throw badRequest(`timeout must be a number of seconds above 0 and at most ${maxSeconds}.`);
    }
    timeoutSeconds = Number(p.timeout);
  }
  return { ...parseMessageFilter(p), timeoutMs: Math.round(timeoutSeconds * 1000) };
}
