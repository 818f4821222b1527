/** PlaintextCache: decrypted data goes with its message and mailbox (drop, expiry by timer), after its TTL, and stays within its bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlaintextCache } from '../../src/read/plaintext-cache.js';
import { INCONCLUSIVE, withGrowingWindow } from '../helpers/growing-window.js';

const HOUR = 3_600_000;
const roomy = { maxEntries: 100, maxBytes: 1 << 20, ttlMs: HOUR };

describe('PlaintextCache', () => {
  it('answers only for the mailbox an entry belongs to', () => {
    const cache = new PlaintextCache<string>(roomy);
    cache.set({ id: 'mbx_a', expiresAt: Date.now() + HOUR }, 'msg_1', 'secret', 10);
    assert.equal(cache.get('mbx_a', 'msg_1'), 'secret');
    assert.equal(cache.get('mbx_b', 'msg_1'), undefined);
  });

  it('dropMailbox forgets that mailbox only', () => {
    const cache = new PlaintextCache<string>(roomy);
    const a = { id: 'mbx_a', expiresAt: Date.now() + HOUR };
    const b = { id: 'mbx_b', expiresAt: Date.now() + HOUR };
    cache.set(a, 'msg_1', 'a1', 10);
    cache.set(a, 'msg_2', 'a2', 10);
    cache.set(b, 'msg_3', 'b3', 10);
    cache.dropMailbox('mbx_a');
    assert.equal(cache.get('mbx_a', 'msg_1'), undefined);
    assert.equal(cache.get('mbx_a', 'msg_2'), undefined);
    assert.equal(cache.get('mbx_b', 'msg_3'), 'b3');
    assert.deepEqual(cache.size, { entries: 1, bytes: 10, mailboxes: 1 });
    cache.clear();
  });

  it('drops a mailbox by itself when it expires, without any further call', async () => {
    const cache = new PlaintextCache<string>(roomy);
    const soon = { id: 'mbx_soon', expiresAt: Date.now() + 80 };
    const later = { id: 'mbx_later', expiresAt: Date.now() + HOUR };
    cache.set(later, 'msg_2', 'kept', 10);
    cache.set(soon, 'msg_1', 'gone at expiry', 10);
    assert.equal(cache.get('mbx_soon', 'msg_1'), 'gone at expiry');
    await sleep(200);
    assert.equal(cache.get('mbx_soon', 'msg_1'), undefined, 'plaintext outlived its mailbox');
    assert.equal(cache.get('mbx_later', 'msg_2'), 'kept');
    assert.deepEqual(cache.size, { entries: 1, bytes: 10, mailboxes: 1 });
    cache.clear();
  });

  it('re-arms for the next expiry after one has passed', async () => {
    // The look between the two expiries must happen before the second one: on a machine too slow
    // for that the gap doubles (growing-window.ts).
    await withGrowingWindow(100, async (gapMs) => {
      const cache = new PlaintextCache<string>(roomy);
      const first = Date.now() + 50;
      const second = first + gapMs;
      cache.set({ id: 'mbx_1', expiresAt: first }, 'msg_1', 'x', 1);
      cache.set({ id: 'mbx_2', expiresAt: second }, 'msg_2', 'y', 1);
      await sleep(first - Date.now() + 20);
      const between = cache.size.mailboxes;
      if (Date.now() >= second) {
        cache.clear();
        return INCONCLUSIVE;
      }
      assert.deepEqual(between, 1);
      await sleep(second - Date.now() + 100);
      assert.deepEqual(cache.size, { entries: 0, bytes: 0, mailboxes: 0 });
    });
  });

  it('keeps nothing for a mailbox already expired', () => {
    const now = Date.now();
    const cache = new PlaintextCache<string>(roomy, () => now);
    cache.set({ id: 'mbx_a', expiresAt: now }, 'msg_1', 'x', 1);
    assert.equal(cache.get('mbx_a', 'msg_1'), undefined);
    cache.set({ id: 'mbx_a', expiresAt: now + 1000 }, 'msg_1', 'x', 1);
    cache.dropExpired(now + 1000);
    assert.equal(cache.get('mbx_a', 'msg_1'), undefined);
  });

  it('stays within its entry and byte bounds, oldest out first', () => {
    const cache = new PlaintextCache<number>({ maxEntries: 3, maxBytes: 100, ttlMs: HOUR });
    const m = { id: 'mbx_a', expiresAt: Date.now() + HOUR };
    for (let i = 0; i < 5; i++) cache.set(m, `msg_${i}`, i, 10);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => cache.get('mbx_a', `msg_${i}`)), [undefined, undefined, 2, 3, 4]);
    cache.set(m, 'msg_big', 99, 24); // within a quarter of the bytes: kept, after evicting by bytes
    cache.set(m, 'msg_huge', 100, 26); // above a quarter: not kept
    assert.equal(cache.get('mbx_a', 'msg_huge'), undefined);
    assert.equal(cache.get('mbx_a', 'msg_big'), 99);
    assert.ok(cache.size.entries <= 3 && cache.size.bytes <= 100);
    cache.clear();
  });

  it('drops an entry ttlMs after it was set, by its timer, however often it is read', async () => {
    const cache = new PlaintextCache<string>({ ...roomy, ttlMs: 100 });
    const m = { id: 'mbx_a', expiresAt: Date.now() + HOUR };
    cache.set(m, 'msg_1', 'short-lived', 10);
    assert.equal(cache.get('mbx_a', 'msg_1'), 'short-lived');
    // Reads do not extend it; the timer alone (no further set or get) empties the cache.
    await sleep(250);
    assert.deepEqual(cache.size, { entries: 0, bytes: 0, mailboxes: 0 }, 'plaintext outlived its TTL');
  });

  it('ages entries out in the order they were decrypted; setting one again renews only that one', () => {
    let now = 1_000_000;
    const cache = new PlaintextCache<string>({ ...roomy, ttlMs: 1000 }, () => now);
    const m = { id: 'mbx_a', expiresAt: now + HOUR };
    cache.set(m, 'msg_1', 'one', 1);
    now += 400;
    cache.set(m, 'msg_2', 'two', 1);
    now += 400;
    cache.set(m, 'msg_1', 'one again', 1); // decrypted again: a new TTL
    now += 700; // at +1500: msg_2's TTL (set at +400) ran out at +1400; msg_1's (set again at +800) runs to +1800
    assert.equal(cache.get('mbx_a', 'msg_2'), undefined, 'a read past the TTL misses even before the timer ran');
    cache.dropExpired(now);
    assert.equal(cache.get('mbx_a', 'msg_1'), 'one again');
    assert.deepEqual(cache.size, { entries: 1, bytes: 1, mailboxes: 1 });
    now += 400;
    cache.dropExpired(now);
    assert.deepEqual(cache.size, { entries: 0, bytes: 0, mailboxes: 0 });
    cache.clear();
  });

  it('keeps nothing with a TTL of 0', () => {
    const cache = new PlaintextCache<string>({ ...roomy, ttlMs: 0 });
    cache.set({ id: 'mbx_a', expiresAt: Date.now() + HOUR }, 'msg_1', 'x', 1);
    assert.equal(cache.get('mbx_a', 'msg_1'), undefined);
    assert.deepEqual(cache.size, { entries: 0, bytes: 0, mailboxes: 0 });
  });

  it('forget drops one message and leaves the rest of its mailbox', () => {
    const cache = new PlaintextCache<string>(roomy);
    const m = { id: 'mbx_a', expiresAt: Date.now() + HOUR };
    cache.set(m, 'msg_1', 'deleted', 10);
    cache.set(m, 'msg_2', 'kept', 10);
    cache.forget('mbx_b', 'msg_1'); // another mailbox's id: not this one's to forget
    assert.equal(cache.get('mbx_a', 'msg_1'), 'deleted');
    cache.forget('mbx_a', 'msg_1');
    assert.equal(cache.get('mbx_a', 'msg_1'), undefined);
    assert.equal(cache.get('mbx_a', 'msg_2'), 'kept');
    cache.clear();
  });
});
