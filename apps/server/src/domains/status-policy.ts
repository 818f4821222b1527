/**
 * What one MX check does to a custom domain's status and when it is checked next. Pure.
 *
 *   pending   --points-here-->  verified  --not-here-->  suspended  --points-here--> verified
 *   any status --unknown (SERVFAIL, timeout)--> unchanged, retried with back-off
 */
import type { CustomDomain, DomainCheckUpdate } from '../ports/domain-store.js';
import type { MxVerdict } from './mx-verifier.js';

export interface RecheckTimings {
  /** First retry of a domain that is not (or no longer) pointing at us. */
  recheckMs: number;
  /** Cap of the doubling back-off. */
  recheckMaxMs: number;
  /** Period of the routine re-check of a verified domain. */
  verifiedRecheckMs: number;
}

/** Delay before retry number `failures` (1-based): base, 2×base, 4×base … up to the cap. */
export function backoffMs(failures: number, t: RecheckTimings): number {
  const exp = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(t.recheckMaxMs, t.recheckMs * 2 ** exp);
}

/** The stored outcome of a check with `verdict` on `row` at `now`. */
export function nextState(row: CustomDomain, verdict: MxVerdict, now: number, t: RecheckTimings): DomainCheckUpdate {
  if (verdict === 'points-here') {
    return { status: 'verified', checkedAt: now, verifiedAt: now, nextCheckAt: now + t.verifiedRecheckMs, failures: 0 };
  }
  if (verdict === 'not-here') {
    const status = row.status === 'pending' ? 'pending' : 'suspended';
    const failures = status === row.status ? row.failures + 1 : 1;
    return { status, checkedAt: now, verifiedAt: row.verifiedAt, nextCheckAt: now + backoffMs(failures, t), failures };
  }
  // unknown: a failed lookup proves nothing; keep the status, try again (a verified domain no
  // later than its routine re-check).
  const failures = row.failures + 1;
  const wait = row.status === 'verified' ? Math.min(backoffMs(failures, t), t.verifiedRecheckMs) : backoffMs(failures, t);
  return { status: row.status, checkedAt: now, verifiedAt: row.verifiedAt, nextCheckAt: now + wait, failures };
}
