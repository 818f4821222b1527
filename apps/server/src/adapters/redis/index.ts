/** Redis adapters (live fan-out and rate limits across nodes). */
import type { MessageNotice } from '../../domain/types.js';
import type { EventBus, NoticeListener } from '../../ports/event-bus.js';
import type { RateLimitDecision, RateLimitStore } from '../../ports/rate-limit-store.js';

const unavailable = () => new Error('REDIS_URL: the Redis adapter is not available in this build yet');

export class RedisBus implements EventBus {
  constructor(url: string) {
    void url;
    throw unavailable();
  }
  async publish(notice: MessageNotice): Promise<void> { void notice; }
  async subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void> { void mailboxId; void listener; return () => {}; }
  async close(): Promise<void> {}
}

export class RedisRateLimitStore implements RateLimitStore {
  constructor(url: string) {
    void url;
    throw unavailable();
  }
  async hit(): Promise<RateLimitDecision> { throw unavailable(); }
  async close(): Promise<void> {}
}
