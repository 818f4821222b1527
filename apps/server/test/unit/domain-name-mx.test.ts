/** Custom domains: MX classification, DNS error mapping, and the status/back-off policy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyDnsError, classifyMx } from '../../src/domains/mx-verifier.js';
import { backoffMs, nextState } from '../../src/domains/status-policy.js';
import type { CustomDomain } from '../../src/ports/domain-store.js';

const MX = 'mx.tempmail.example';

describe('classifyMx', () => {
  it('accepts records naming our host, whatever the case or trailing dot', () => {
    assert.equal(classifyMx([{ exchange: 'MX.TempMail.Example.', priority: 10 }], MX).verdict, 'points-here');
    assert.equal(classifyMx([{ exchange: MX, priority: 10 }, { exchange: `${MX}.`, priority: 20 }], `${MX}.`).verdict, 'points-here');
  });

  it('refuses no records, other hosts, a mix and a null MX', () => {
    assert.equal(classifyMx([], MX).verdict, 'not-here');
    assert.equal(classifyMx([{ exchange: 'aspmx.l.google.com', priority: 1 }], MX).verdict, 'not-here');
    const mixed = classifyMx([{ exchange: MX, priority: 10 }, { exchange: 'backup.example', priority: 20 }], MX);
    assert.equal(mixed.verdict, 'not-here');
    assert.match(mixed.detail, /backup\.example/);
    assert.equal(classifyMx([{ exchange: '', priority: 0 }], MX).verdict, 'not-here');
    assert.match(classifyMx([{ exchange: '.', priority: 0 }], MX).detail, /null MX/);
    assert.equal(classifyMx([{ exchange: 'mx.tempmail.example.evil.test', priority: 10 }], MX).verdict, 'not-here');
  });
});

describe('classifyDnsError', () => {
  it('treats NXDOMAIN and NODATA as absent, anything else as unknown', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(classifyDnsError(err('ENOTFOUND')).verdict, 'not-here');
    assert.equal(classifyDnsError(err('ENODATA')).verdict, 'not-here');
    for (const code of ['ESERVFAIL', 'ETIMEOUT', 'EREFUSED', 'ECONNREFUSED', 'EBADRESP', 'ECANCELLED']) {
      assert.equal(classifyDnsError(err(code)).verdict, 'unknown', code);
    }
    assert.equal(classifyDnsError(new Error('no code')).verdict, 'unknown');
  });
});

describe('status policy', () => {
  const t = { recheckMs: 30_000, recheckMaxMs: 3_600_000, verifiedRecheckMs: 6 * 3_600_000 };
  const row = (status: CustomDomain['status'], failures = 0): CustomDomain => ({
    domain: 'temp.example.com', keyId: 'key_1', status, createdAt: 0, checkedAt: null, verifiedAt: status === 'pending' ? null : 5,
    nextCheckAt: 0, failures,
  });
  const now = 1_000_000;

  it('backs off from 30 s doubling to 1 h', () => {
    assert.deepEqual([1, 2, 3, 4, 7, 8, 50, 5000].map((n) => backoffMs(n, t)),
      [30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('verifies any status whose MX points here, and schedules the routine re-check', () => {
    for (const s of ['pending', 'verified', 'suspended'] as const) {
      assert.deepEqual(nextState(row(s, 4), 'points-here', now, t),
        { status: 'verified', checkedAt: now, verifiedAt: now, nextCheckAt: now + t.verifiedRecheckMs, failures: 0 });
    }
  });

  it('keeps pending pending, suspends verified, keeps suspended, with back-off', () => {
    const p = nextState(row('pending', 2), 'not-here', now, t);
    assert.equal(p.status, 'pending');
    assert.equal(p.failures, 3);
    assert.equal(p.nextCheckAt, now + 120_000);
    const v = nextState(row('verified'), 'not-here', now, t);
    assert.equal(v.status, 'suspended');
    assert.equal(v.failures, 1);
    assert.equal(v.nextCheckAt, now + 30_000);
    assert.equal(v.verifiedAt, 5, 'the last time it was seen pointing here is kept');
    assert.equal(nextState(row('suspended', 1), 'not-here', now, t).status, 'suspended');
  });

  it('never changes the status on a failed lookup, and retries a verified domain soon', () => {
    for (const s of ['pending', 'verified', 'suspended'] as const) {
      const u = nextState(row(s), 'unknown', now, t);
      assert.equal(u.status, s);
      assert.equal(u.nextCheckAt, now + 30_000);
    }
    const small = { recheckMs: 100, recheckMaxMs: 10_000, verifiedRecheckMs: 200 };
    assert.equal(nextState(row('verified', 6), 'unknown', now, small).nextCheckAt, now + 200, 'no later than the routine re-check');
  });
});
