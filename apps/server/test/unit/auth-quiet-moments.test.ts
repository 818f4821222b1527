/**
 * Sender authentication in ingest's quiet moments (ingest/activity.ts, sender-auth/follow-up.ts):
 * a check does not start while a message is in flight nor before ingest has been quiet for a
 * moment; checks run one at a time then; a check that has waited its longest starts whatever
 * ingest is doing. Event-driven: no verdict depends on how fast this machine is (only lower
 * bounds of time, which a slow machine only makes larger).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { MemoryBus } from '../../src/adapters/bus-memory/memory-bus.js';
import type { AuthenticationResults, Mailbox } from '../../src/domain/types.js';
import { IngestActivity } from '../../src/ingest/activity.js';
import type { AuthFollowUpDeps, Checker } from '../../src/sender-auth/follow-up.js';
import { AuthFollowUp } from '../../src/sender-auth/follow-up.js';
import type { AuthInput } from '../../src/sender-auth/checker.js';
import { temperrorVerdict } from '../../src/sender-auth/verdict.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A checker whose checks end when the test says so; tells when each one starts. */
class HeldChecker implements Checker {
  readonly started: number[] = [];
  private readonly ends: Array<() => void> = [];
  private readonly onStart: Array<() => void> = [];

  check(input: AuthInput): Promise<AuthenticationResults> {
    this.started.push(performance.now());
    for (const cb of this.onStart.splice(0)) cb();
    return new Promise((resolve) => this.ends.push(() => resolve(temperrorVerdict(input.clientIp, input.fromDomain))));
  }

  /** Resolves when the n-th check (1-based) has started. */
  async startedCount(n: number): Promise<void> {
    while (this.started.length < n) await new Promise<void>((r) => this.onStart.push(r));
  }

  endOne(): void {
    this.ends.shift()?.();
  }
}

function followUp(checker: Checker, activity: IngestActivity, maxDeferMs: number): AuthFollowUp {
  // No cipher for the mailbox (as if it had expired): the verdict is not stored, which is not what is tested here.
  const deps = {
    checker, activity, maxDeferMs, concurrency: 16, queueBytes: 1 << 20,
    store: {}, keys: { cipherFor: async () => null }, bus: new MemoryBus(), clock: { now: () => Date.now() }, log: pino({ level: 'silent' }),
  } as unknown as AuthFollowUpDeps;
  return new AuthFollowUp(deps);
}

const job = (n: number) => ({
  raw: Buffer.from(`From: a@x.test\r\nSubject: ${n}\r\n\r\nbody\r\n`), clientIp: '192.0.2.1', helo: 'x.test', envelopeFrom: 'a@x.test', fromDomain: 'x.test',
  targets: [{ mailbox: { id: `m${n}` } as Mailbox, messageId: `id${n}` }],
});

describe('IngestActivity', () => {
  it('is quiet only with nothing in flight for its quiet time, and calls back then', async () => {
    const activity = new IngestActivity(30);
    assert.equal(activity.isQuiet(), true, 'nothing has happened yet');
    activity.begin();
    assert.equal(activity.isQuiet(), false);
    let called = 0;
    activity.whenQuiet(() => called++);
    await sleep(60);
    assert.equal(called, 0, 'not while a message is in flight');
    activity.end();
    const endedAt = performance.now();
    assert.equal(activity.isQuiet(), false, 'not right after it ended');
    await new Promise<void>((r) => activity.whenQuiet(r));
    assert.ok(performance.now() - endedAt >= 29, 'at least the quiet time after the end');
    assert.equal(called, 1);
    let cancelled = 0;
    activity.begin();
    activity.end();
    activity.whenQuiet(() => cancelled++)();
    await sleep(60);
    assert.equal(cancelled, 0, 'a cancelled wait is not called');
    let atOnce = 0;
    activity.whenQuiet(() => atOnce++);
    assert.equal(atOnce, 1, 'called at once when already quiet');
  });
});

describe('sender authentication waits for quiet moments', () => {
  it('no check while a message is in flight; then one at a time once ingest is quiet', async (t) => {
    const activity = new IngestActivity(20);
    const checker = new HeldChecker();
    const auth = followUp(checker, activity, 60_000);
    t.after(() => auth.close());
    activity.begin(); // a message is being stored
    auth.enqueue(job(1));
    auth.enqueue(job(2));
    await sleep(80);
    assert.equal(checker.started.length, 0, 'nothing checked while the message is in flight');
    activity.end();
    const endedAt = performance.now();
    await checker.startedCount(1);
    assert.ok(checker.started[0]! - endedAt >= 19, 'the first check waited for the quiet time');
    await sleep(40);
    assert.equal(checker.started.length, 1, 'one at a time: the second waits for the first');
    checker.endOne();
    await checker.startedCount(2);
    checker.endOne();
  });

  it('a check that has waited its longest starts while ingest is still busy', async (t) => {
    const activity = new IngestActivity(20);
    const checker = new HeldChecker();
    const auth = followUp(checker, activity, 100);
    t.after(() => auth.close());
    activity.begin(); // and never ends: a stream that never pauses
    const queuedAt = performance.now();
    auth.enqueue(job(1));
    auth.enqueue(job(2));
    await checker.startedCount(2);
    assert.ok(checker.started[0]! - queuedAt >= 99, 'not before its longest wait');
    assert.equal(activity.isQuiet(), false, 'ingest was busy all along');
    checker.endOne();
    checker.endOne();
    activity.end();
  });

  it('without an activity to follow, checks start at once', async (t) => {
    const checker = new HeldChecker();
    const auth = new AuthFollowUp({
      checker, concurrency: 16, queueBytes: 1 << 20, store: {}, keys: { cipherFor: async () => null }, bus: new MemoryBus(), clock: { now: () => Date.now() }, log: pino({ level: 'silent' }),
    } as unknown as AuthFollowUpDeps);
    t.after(() => auth.close());
    auth.enqueue(job(1));
    auth.enqueue(job(2));
    await checker.startedCount(2);
    checker.endOne();
    checker.endOne();
  });
});
