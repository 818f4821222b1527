/**
 * The RateLimitStore port: fixed windows, exact under concurrency (50 parallel hits on a limit
 * of 20 allow exactly 20, each with its own Remaining), cost 0 only reads, windows reset.
 * Runs on the memory adapter, and on the Redis adapter when TEMPMAIL_TEST_REDIS_URL is set.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit-memory/memory-rate-limit.js';
import type { RateLimitStore } from '../../src/ports/rate-limit-store.js';
import { INCONCLUSIVE, sleep, withGrowingWindow } from '../helpers/growing-window.js';

function contract(name: string, make: (now?: () => number) => Promise<RateLimitStore | null>) {
  describe(`RateLimitStore contract: ${name}`, () => {
    const opened: RateLimitStore[] = [];
    const open = async (now?: () => number) => {
      const s = await make(now);
      if (s) opened.push(s);
      return s;
    };
    after(async () => { for (const s of opened) await s.close(); });
    const key = () => `test:${randomBytes(6).toString('hex')}`;

    it('50 parallel hits on a limit of 20: exactly 20 allowed, Remaining 19..0 each once', async (t) => {
      const store = await open();
      if (!store) return t.skip('not available');
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 50 }, () => store.hit(k, 20, 60_000)));
      const allowed = decisions.filter((d) => d.allowed);
      assert.equal(allowed.length, 20);
      assert.deepEqual(allowed.map((d) => d.remaining).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      for (const d of decisions.filter((x) => !x.allowed)) assert.equal(d.remaining, 0);
      for (const d of decisions) {
        assert.equal(d.limit, 20);
        assert.ok(d.resetMs > 0 && d.resetMs <= 60_000);
      }
    });

    it('cost 0 reads without counting; keys are independent', async (t) => {
      const store = await open();
      if (!store) return t.skip('not available');
      const k = key();
      assert.equal((await store.hit(k, 3, 60_000, 0)).remaining, 3);
      await store.hit(k, 3, 60_000);
      await store.hit(k, 3, 60_000);
      assert.equal((await store.hit(k, 3, 60_000, 0)).remaining, 1);
      assert.equal((await store.hit(k, 3, 60_000, 0)).remaining, 1);
      assert.equal((await store.hit(key(), 3, 60_000)).remaining, 2);
    });

    it('a new window starts when the old one has passed', async (t) => {
      let now = 1_000_000;
      const store = await open(() => now);
      if (!store) return t.skip('not available');
      const k = key();
      if (name === 'memory') {
        for (let i = 0; i < 3; i++) assert.equal((await store.hit(k, 3, 1000)).allowed, true);
        assert.equal((await store.hit(k, 3, 1000)).allowed, false);
        now += 1001;
        const d = await store.hit(k, 3, 1000);
        assert.deepEqual([d.allowed, d.remaining], [true, 2]);
      } else {
        // Real time here: the refusal holds only if the four hits fit in one window.
        await withGrowingWindow(1000, async (windowMs) => {
          const k2 = `${k}:${windowMs}`;
          const started = Date.now();
          for (let i = 0; i < 3; i++) assert.equal((await store.hit(k2, 3, windowMs)).allowed, true);
          const fourth = await store.hit(k2, 3, windowMs);
          if (Date.now() - started >= windowMs) return INCONCLUSIVE;
          assert.equal(fourth.allowed, false);
          // Waiting longer than the window is safe on any machine: slowness only adds to it.
          await sleep(windowMs + 100);
          assert.equal((await store.hit(k2, 3, windowMs)).allowed, true);
        });
      }
    });
  });
}

contract('memory', async (now) => new MemoryRateLimitStore(now));

const redisUrl = process.env.TEMPMAIL_TEST_REDIS_URL;
if (!redisUrl) {
  if (process.env.CI === 'true') throw new Error('TEMPMAIL_TEST_REDIS_URL is not set (CI=true)');
  console.log('# SKIPPING the Redis rate-limit contract: TEMPMAIL_TEST_REDIS_URL is not set');
}
contract('redis', async () => {
  const url = redisUrl;
  if (!url) return null;
  const { RedisRateLimitStore } = await import('../../src/adapters/redis/rate-limit.js');
  return new RedisRateLimitStore(url, { prefix: `tempmail-test-${randomBytes(4).toString('hex')}:` });
});
