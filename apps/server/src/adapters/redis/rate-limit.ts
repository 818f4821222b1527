/**
 * Fixed-window rate limits in Redis, exact across nodes: one Lua script per hit does INCRBY cost,
 * sets the window's PEXPIRE when the key is new, and reads PTTL, atomically. Cost 0 only reads
 * (GET + PTTL) and creates nothing. Keys are `tempmail:rl:<key>`.
 */
import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimitStore } from '../../ports/rate-limit-store.js';
import { closeRedis, connectRedis, DEFAULT_PREFIX, type RedisAdapterOptions } from './connection.js';

/** KEYS[1] = counter; ARGV[1] = cost, ARGV[2] = window ms. Returns {count, ms until reset}. */
const HIT_SCRIPT = `
local cost = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count
if cost == 0 then
  count = tonumber(redis.call('GET', KEYS[1]) or '0')
else
  count = redis.call('INCRBY', KEYS[1], cost)
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if cost ~= 0 then
    redis.call('PEXPIRE', KEYS[1], window)
  end
  ttl = window
end
return {count, ttl}
`;

type WithHit = Redis & { tempmailRateHit(key: string, cost: number, windowMs: number): Promise<[number, number]> };

export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: WithHit;
  private readonly prefix: string;

  constructor(url: string, opts: RedisAdapterOptions = {}) {
    this.prefix = `${opts.prefix ?? DEFAULT_PREFIX}rl:`;
    const redis = connectRedis(url, 'rate-limit', opts);
    // defineCommand runs EVALSHA and falls back to EVAL when the script is not cached yet.
    redis.defineCommand('tempmailRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<RateLimitDecision> {
    if (!Number.isSafeInteger(cost) || cost < 0) throw new RangeError('rate limit cost must be a whole number >= 0');
    const window = Math.max(1, Math.ceil(windowMs));
    const [count, ttl] = await this.redis.tempmailRateHit(`${this.prefix}${key}`, cost, window);
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetMs: Math.max(0, ttl),
    };
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}
