/**
 * The rate-limit contract, for every RateLimitStore adapter (memory and Redis, see
 * ratelimit.test.ts): fixed windows, exact under concurrency, cost 0 only reads.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import type { RateLimitStore } from '../../src/ports/rate-limit-store.js';
import { INCONCLUSIVE, sleep, withGrowingWindow } from '../helpers/growing-window.js';
import { suiteFixture } from './services.js';

export interface RateLimitFixture {
  limits: RateLimitStore;
  /** A second node's store sharing the counters (Redis); else null. */
  peer: RateLimitStore | null;
  close(): Promise<void>;
}

export type RateLimitFactory = () => Promise<RateLimitFixture>;

const key = () => `contract:${randomBytes(8).toString('hex')}`;

/** Registers the contract suite for one adapter. */
export function runRateLimitContract(name: string, factory: RateLimitFactory, opts: { spansNodes?: boolean } = {}): void {
  describe(`rate-limit contract: ${name}`, () => {
    const test = suiteFixture<RateLimitFixture>(name, factory);

    test('counts down, then refuses past the limit', async ({ limits }) => {
      const k = key();
      for (let i = 1; i <= 3; i++) {
        const d = await limits.hit(k, 3, 60_000);
        assert.deepEqual({ allowed: d.allowed, limit: d.limit, remaining: d.remaining }, { allowed: true, limit: 3, remaining: 3 - i });
        assert.ok(d.resetMs > 0 && d.resetMs <= 60_000, `resetMs ${d.resetMs}`);
      }
      const refused = await limits.hit(k, 3, 60_000);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.resetMs > 0 && refused.resetMs <= 60_000);
      assert.equal((await limits.hit(key(), 3, 60_000)).remaining, 2, 'another key has its own count');
    });

    test('a cost above 1 counts that many hits', async ({ limits }) => {
      const k = key();
      assert.equal((await limits.hit(k, 10, 60_000, 4)).remaining, 6);
      const d = await limits.hit(k, 10, 60_000, 7);
      assert.equal(d.allowed, false);
      assert.equal(d.remaining, 0);
    });

    test('the window resets', async ({ limits }) => {
      // The refusal holds only if the three hits fit in one window (real time here).
      await withGrowingWindow(1000, async (windowMs) => {
        const k = key();
        const started = Date.now();
        await limits.hit(k, 2, windowMs);
        await limits.hit(k, 2, windowMs);
        const third = await limits.hit(k, 2, windowMs);
        if (Date.now() - started >= windowMs) return INCONCLUSIVE;
        assert.equal(third.allowed, false);
        // Waiting longer than the window is safe on any machine: slowness only adds to it.
        await sleep(windowMs + 100);
        const d = await limits.hit(k, 2, windowMs);
        assert.equal(d.allowed, true);
        assert.equal(d.remaining, 1);
      });
    });

    test('cost 0 peeks without counting', async ({ limits }) => {
      const k = key();
      const fresh = await limits.hit(k, 5, 60_000, 0);
      assert.equal(fresh.allowed, true);
      assert.equal(fresh.remaining, 5);
      await limits.hit(k, 5, 60_000);
      await limits.hit(k, 5, 60_000);
      for (let i = 0; i < 3; i++) {
        const peek = await limits.hit(k, 5, 60_000, 0);
        assert.equal(peek.remaining, 3);
        assert.equal(peek.allowed, true);
        assert.ok(peek.resetMs > 0 && peek.resetMs <= 60_000);
      }
      assert.equal((await limits.hit(k, 5, 60_000)).remaining, 2);
    });

    test('exact under 50 parallel hits: exactly `limit` allowed', async ({ limits }) => {
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limits.hit(k, 20, 60_000)));
      assert.equal(decisions.filter((d) => d.allowed).length, 20);
      const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining).sort((a, b) => a - b);
      assert.deepEqual(remaining, Array.from({ length: 20 }, (_, i) => i), 'each allowed hit saw a distinct count');
    });

    if (opts.spansNodes) test('exact across two nodes under 50 parallel hits (when the store spans nodes)', async ({ limits, peer }) => {
      assert.ok(peer, `${name} spans nodes but its fixture has no peer`);
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? peer : limits).hit(k, 20, 60_000)));
      assert.equal(decisions.filter((d) => d.allowed).length, 20);
      assert.equal((await peer.hit(k, 20, 60_000, 0)).remaining, 0);
    });
  });
}
