/** Runs the rate-limit contract against the in-process store and Redis (two instances = two nodes). */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit-memory/memory-rate-limit.js';
import { RedisRateLimitStore } from '../../src/adapters/redis/index.js';
import { runRateLimitContract } from './rate-limit.contract.js';
import { deleteRedisPrefix, requireRedis, ServiceUnavailable, skipOrFail, TEST_REDIS_URL, uniqueName } from './services.js';

const PREFIX = `tempmail-test:${uniqueName('rl')}:`;

runRateLimitContract('memory', async () => {
  const limits = new MemoryRateLimitStore();
  return { limits, peer: null, close: () => limits.close() };
});

runRateLimitContract('redis', async () => {
  await requireRedis();
  const limits = new RedisRateLimitStore(TEST_REDIS_URL, { prefix: PREFIX });
  const peer = new RedisRateLimitStore(TEST_REDIS_URL, { prefix: PREFIX });
  return { limits, peer, close: async () => { await limits.close(); await peer.close(); } };
}, { spansNodes: true });

it('redis: counters live under <prefix>rl:<key> with the window as expiry; a peek creates nothing', async (t) => {
  try {
    await requireRedis();
  } catch (err) {
    if (!(err instanceof ServiceUnavailable)) throw err;
    return skipOrFail(t, err.message);
  }
  const limits = new RedisRateLimitStore(TEST_REDIS_URL, { prefix: PREFIX });
  const raw = new Redis(TEST_REDIS_URL);
  try {
    await limits.hit('peeked', 5, 60_000, 0);
    assert.equal(await raw.exists(`${PREFIX}rl:peeked`), 0);
    await limits.hit('counted', 5, 60_000, 2);
    assert.equal(await raw.get(`${PREFIX}rl:counted`), '2');
    const ttl = await raw.pttl(`${PREFIX}rl:counted`);
    assert.ok(ttl > 59_000 && ttl <= 60_000, `pttl ${ttl}`);
  } finally {
    await limits.close();
    raw.disconnect();
  }
});

after(async () => {
  await deleteRedisPrefix(TEST_REDIS_URL, PREFIX).catch(() => {});
});
