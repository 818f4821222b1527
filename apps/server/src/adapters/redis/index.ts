/**
 * Redis adapters (live fan-out and rate limits across nodes), chosen when REDIS_URL is set:
 * `new RedisBus(url)` and `new RedisRateLimitStore(url)`, each with an optional
 * `{ prefix, onError }` (the prefix isolates test runs; default `tempmail:`).
 */
export { RedisBus, encodeNotice, decodeNotice, encodeMailboxGone, decodeMailboxGone } from './bus.js';
export { RedisRateLimitStore } from './rate-limit.js';
export { DEFAULT_PREFIX, type RedisAdapterOptions, type RedisErrorHandler } from './connection.js';
