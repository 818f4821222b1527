/**
 * The DomainStore port's contract: one suite every adapter must pass (SQLite and PostgreSQL,
 * see domain-store.test.ts). Only ports are used. Each case gets a fresh, empty store (listDue
 * sees every row of the store).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import type { CustomDomain, DomainCheckUpdate, DomainStore } from '../../src/ports/domain-store.js';
import type { Store } from '../../src/ports/store.js';
import { caseFixture } from './services.js';

export interface DomainStoreFixture {
  store: Store;
  close(): Promise<void>;
}

/** A fresh, empty store per call; throws ServiceUnavailable when the backend is absent. */
export type DomainStoreFactory = () => Promise<DomainStoreFixture>;

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;
const key = () => `key_${randomBytes(8).toString('hex')}`;
const name = (label = 'd') => `${label}-${randomBytes(4).toString('hex')}.customer.test`;

function row(domain: string, keyId: string, over: Partial<CustomDomain> = {}): CustomDomain {
  return { domain, keyId, status: 'pending', createdAt: T0, checkedAt: null, verifiedAt: null, nextCheckAt: T0 + 60_000, failures: 0, ...over };
}

/** Registers the contract suite for one adapter. */
export function domainStoreContract(label: string, open: DomainStoreFactory): void {
  describe(`DomainStore contract: ${label}`, () => {
    /** A case on a fresh store: skipped (or failed on CI) when the backend is absent. */
    const onFixture = caseFixture<DomainStoreFixture>(open);
    const test = (title: string, fn: (d: DomainStore) => Promise<void>) => onFixture(title, async (fx) => {
      assert.ok(fx.store.domains, 'the store exposes domains');
      await fn(fx.store.domains);
    });

    // ---- claim and get ----

    test('claim stores the row with every field intact; get finds it; an unclaimed domain is null', async (d) => {
      const k = key();
      const r = row(name(), k, { createdAt: T0 + 123, nextCheckAt: T0 + 456 });
      assert.equal(await d.claim(r), true);
      assert.deepEqual(await d.get(r.domain), r);
      const full = row(name(), k, { status: 'verified', checkedAt: T0 + 1, verifiedAt: T0 + 2, nextCheckAt: T0 + 3, failures: 4 });
      assert.equal(await d.claim(full), true);
      assert.deepEqual(await d.get(full.domain), full);
      const got = await d.get(full.domain);
      assert.equal(typeof got?.createdAt, 'number');
      assert.equal(typeof got?.failures, 'number');
      assert.equal(await d.get(name()), null);
    });

    test('the domain is stored exactly as given (callers normalise)', async (d) => {
      const k = key();
      assert.equal(await d.claim(row('xn--bcher-kva.customer.test', k)), true);
      assert.ok(await d.get('xn--bcher-kva.customer.test'));
      assert.equal(await d.get('XN--BCHER-KVA.customer.test'), null);
      assert.equal(await d.get('xn--bcher-kva.customer.test.'), null);
    });

    test('a claimed domain cannot be claimed again, by another key or the same one, and stays unchanged', async (d) => {
      const [a, b] = [key(), key()];
      const domain = name();
      const first = row(domain, a);
      assert.equal(await d.claim(first), true);
      assert.equal(await d.claim(row(domain, b, { status: 'verified', createdAt: T0 + 5 })), false);
      assert.equal(await d.claim(row(domain, a, { status: 'suspended', failures: 9 })), false);
      assert.deepEqual(await d.get(domain), first);
      assert.equal(await d.countByKey(b), 0);
      assert.deepEqual(await d.listByKey(b), []);
    });

    test('concurrent claims of one domain by many keys: exactly one wins, and the row is the winner\'s', async (d) => {
      for (let round = 0; round < 5; round++) {
        const domain = name(`race${round}`);
        const keys = Array.from({ length: 12 }, key);
        const results = await Promise.all(keys.map((k, i) => d.claim(row(domain, k, { createdAt: T0 + i }))));
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.filter(Boolean).length} winners`);
        const winner = keys[results.indexOf(true)];
        const stored = await d.get(domain);
        assert.equal(stored?.keyId, winner);
        assert.equal(stored?.createdAt, T0 + results.indexOf(true));
        const counts = await Promise.all(keys.map((k) => d.countByKey(k)));
        assert.deepEqual(counts, keys.map((k) => (k === winner ? 1 : 0)));
      }
    });

    test('concurrent claims of different domains all succeed', async (d) => {
      const k = key();
      const domains = Array.from({ length: 15 }, (_, i) => name(`many${i}`));
      const results = await Promise.all(domains.map((domain) => d.claim(row(domain, k))));
      assert.ok(results.every(Boolean));
      assert.equal(await d.countByKey(k), 15);
    });

    // ---- per key ----

    test('listByKey: only that key\'s domains, oldest first (then by name), and countByKey agrees', async (d) => {
      const [a, b] = [key(), key()];
      await d.claim(row('zeta.customer.test', a, { createdAt: T0 + 10 }));
      await d.claim(row('beta.customer.test', a, { createdAt: T0 + 20 }));
      await d.claim(row('alpha.customer.test', a, { createdAt: T0 + 20 }));
      await d.claim(row('a-b.customer.test', a, { createdAt: T0 + 20 }));
      await d.claim(row('first.customer.test', a, { createdAt: T0 + 1 }));
      await d.claim(row('other.customer.test', b, { createdAt: T0 }));
      assert.deepEqual((await d.listByKey(a)).map((x) => x.domain), [
        'first.customer.test', 'zeta.customer.test', 'a-b.customer.test', 'alpha.customer.test', 'beta.customer.test',
      ]);
      assert.deepEqual((await d.listByKey(b)).map((x) => x.domain), ['other.customer.test']);
      assert.equal(await d.countByKey(a), 5);
      assert.equal(await d.countByKey(b), 1);
      assert.equal(await d.countByKey(key()), 0);
      assert.deepEqual(await d.listByKey(key()), []);
      const listed = await d.listByKey(b);
      assert.deepEqual(listed[0], row('other.customer.test', b, { createdAt: T0 }));
    });

    // ---- release ----

    test('release needs the owner; afterwards the domain is free for any key', async (d) => {
      const [a, b] = [key(), key()];
      const domain = name();
      await d.claim(row(domain, a));
      assert.equal(await d.release(domain, b), false, 'not the owner');
      assert.equal((await d.get(domain))?.keyId, a, 'still there');
      assert.equal(await d.release(domain, a), true);
      assert.equal(await d.get(domain), null);
      assert.equal(await d.release(domain, a), false, 'already released');
      assert.equal(await d.countByKey(a), 0);
      assert.equal(await d.claim(row(domain, b)), true, 'the other key may claim it now');
      assert.equal((await d.get(domain))?.keyId, b);
      assert.equal(await d.release(name(), a), false, 'never claimed');
    });

    // ---- checks ----

    test('recordCheck walks pending -> verified -> suspended -> verified and schedules the next check', async (d) => {
      const k = key();
      const domain = name();
      await d.claim(row(domain, k));
      const miss: DomainCheckUpdate = { status: 'pending', checkedAt: T0 + 1000, verifiedAt: null, nextCheckAt: T0 + 2 * 60_000, failures: 1 };
      assert.equal(await d.recordCheck(domain, k, miss), true);
      assert.deepEqual(await d.get(domain), { ...row(domain, k), ...miss });
      const found: DomainCheckUpdate = { status: 'verified', checkedAt: T0 + 5000, verifiedAt: T0 + 5000, nextCheckAt: T0 + 5000 + HOUR, failures: 0 };
      assert.equal(await d.recordCheck(domain, k, found), true);
      const verified = await d.get(domain);
      assert.deepEqual(verified, { ...row(domain, k), ...found });
      assert.equal(verified?.status, 'verified');
      const lost: DomainCheckUpdate = { status: 'suspended', checkedAt: T0 + 2 * HOUR, verifiedAt: T0 + 5000, nextCheckAt: T0 + 2 * HOUR + 60_000, failures: 1 };
      assert.equal(await d.recordCheck(domain, k, lost), true);
      assert.deepEqual(await d.get(domain), { ...row(domain, k), ...lost }, 'verifiedAt kept as given, failures counted');
      const back: DomainCheckUpdate = { status: 'verified', checkedAt: T0 + 3 * HOUR, verifiedAt: T0 + 3 * HOUR, nextCheckAt: T0 + 4 * HOUR, failures: 0 };
      assert.equal(await d.recordCheck(domain, k, back), true);
      assert.deepEqual(await d.get(domain), { ...row(domain, k), ...back });
      assert.equal((await d.get(domain))?.createdAt, T0, 'a check does not touch the claim time or the owner');
    });

    test('recordCheck by a key that does not own the domain (or after release) changes nothing', async (d) => {
      const [a, b] = [key(), key()];
      const domain = name();
      const original = row(domain, a);
      await d.claim(original);
      const update: DomainCheckUpdate = { status: 'verified', checkedAt: T0 + 1, verifiedAt: T0 + 1, nextCheckAt: T0 + HOUR, failures: 0 };
      assert.equal(await d.recordCheck(domain, b, update), false);
      assert.deepEqual(await d.get(domain), original);
      // A check that began before a release and finishes after it (domain re-claimed by b) is dropped.
      await d.release(domain, a);
      assert.equal(await d.recordCheck(domain, a, update), false);
      assert.equal(await d.get(domain), null, 'not resurrected');
      await d.claim(row(domain, b));
      assert.equal(await d.recordCheck(domain, a, update), false);
      assert.equal((await d.get(domain))?.status, 'pending', 'b\'s row untouched');
      assert.equal(await d.recordCheck(name(), a, update), false, 'unknown domain');
    });

    test('listDue: rows whose next check is due, most overdue first, up to the limit', async (d) => {
      const k = key();
      await d.claim(row('later.customer.test', k, { nextCheckAt: T0 + 500 }));
      await d.claim(row('now.customer.test', k, { nextCheckAt: T0 }));
      await d.claim(row('oldest.customer.test', key(), { nextCheckAt: T0 - 300 }));
      await d.claim(row('older.customer.test', k, { nextCheckAt: T0 - 100, status: 'verified', verifiedAt: T0 - HOUR }));
      assert.deepEqual((await d.listDue(T0, 10)).map((x) => x.domain), ['oldest.customer.test', 'older.customer.test', 'now.customer.test'],
        'due at exactly now is due; other keys\' rows too');
      assert.deepEqual((await d.listDue(T0, 2)).map((x) => x.domain), ['oldest.customer.test', 'older.customer.test']);
      assert.deepEqual(await d.listDue(T0 - 301, 10), []);
      assert.deepEqual((await d.listDue(T0 + 500, 10)).length, 4);
      const older = (await d.listDue(T0, 10))[1];
      assert.deepEqual(older, row('older.customer.test', k, { nextCheckAt: T0 - 100, status: 'verified', verifiedAt: T0 - HOUR }));
    });

    test('recording a check moves a row out of (or back into) listDue; a released domain is never due', async (d) => {
      const k = key();
      const domain = name();
      await d.claim(row(domain, k, { nextCheckAt: T0 }));
      assert.deepEqual((await d.listDue(T0, 10)).map((x) => x.domain), [domain]);
      await d.recordCheck(domain, k, { status: 'pending', checkedAt: T0, verifiedAt: null, nextCheckAt: T0 + 120_000, failures: 1 });
      assert.deepEqual(await d.listDue(T0 + 119_999, 10), [], 'rescheduled');
      const due = await d.listDue(T0 + 120_000, 10);
      assert.deepEqual(due.map((x) => [x.domain, x.failures, x.checkedAt]), [[domain, 1, T0]]);
      await d.release(domain, k);
      assert.deepEqual(await d.listDue(Number.MAX_SAFE_INTEGER, 10), []);
    });

    // ---- verified lookup (what SMTP and generate_email ask) ----

    test('verified lookup: the owner and status of a domain, and a key\'s verified domains', async (d) => {
      const [a, b] = [key(), key()];
      const [v1, v2, p, s, other] = ['v1', 'v2', 'p', 's', 'o'].map((l) => name(l));
      await d.claim(row(v1, a, { createdAt: T0 + 1 }));
      await d.claim(row(v2, a, { createdAt: T0 + 2 }));
      await d.claim(row(p, a, { createdAt: T0 + 3 }));
      await d.claim(row(s, a, { createdAt: T0 + 4 }));
      await d.claim(row(other, b, { createdAt: T0 }));
      const ok: DomainCheckUpdate = { status: 'verified', checkedAt: T0 + 9, verifiedAt: T0 + 9, nextCheckAt: T0 + HOUR, failures: 0 };
      for (const [domain, owner] of [[v1, a], [v2, a], [s, a], [other, b]] as const) assert.equal(await d.recordCheck(domain, owner, ok), true);
      await d.recordCheck(s, a, { status: 'suspended', checkedAt: T0 + 10, verifiedAt: T0 + 9, nextCheckAt: T0 + 60_000, failures: 1 });
      const verifiedOf = async (k: string) => (await d.listByKey(k)).filter((x) => x.status === 'verified').map((x) => x.domain);
      assert.deepEqual(await verifiedOf(a), [v1, v2]);
      assert.deepEqual(await verifiedOf(b), [other]);
      assert.deepEqual([(await d.get(v1))?.status, (await d.get(v1))?.keyId], ['verified', a]);
      assert.deepEqual([(await d.get(other))?.status, (await d.get(other))?.keyId], ['verified', b]);
      assert.equal((await d.get(p))?.status, 'pending');
      assert.equal((await d.get(s))?.status, 'suspended');
    });

    test('refuses a status outside pending, verified, suspended', async (d) => {
      const k = key();
      await assert.rejects(d.claim(row(name(), k, { status: 'bogus' as CustomDomain['status'] })));
      const domain = name();
      await d.claim(row(domain, k));
      await assert.rejects(d.recordCheck(domain, k, { status: 'bogus' as CustomDomain['status'], checkedAt: 1, verifiedAt: null, nextCheckAt: 1, failures: 0 }));
      assert.equal((await d.get(domain))?.status, 'pending');
    });
  });
}
