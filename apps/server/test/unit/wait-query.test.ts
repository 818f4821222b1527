/** wait.php's parameters and matching, and the shared deadline timer of held waits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/domain/errors.js';
import { DeadlineWheel } from '../../src/wait/deadlines.js';
import { matchesFilter as matchesWait } from '../../src/read/message-filter.js';
import { parseWaitQuery } from '../../src/wait/wait-query.js';

const message = { sender: 'noreply@github.com', sender_name: 'GitHub', subject: 'Your sign-in code', otp: '482910', confirmation_link: null, date_received: '2026-03-07T13:05:22Z' };

describe('parseWaitQuery', () => {
  it('defaults to any message and the longest timeout', () => {
    assert.deepEqual(parseWaitQuery({}, 60), { match: 'any', from: null, subject: null, sinceId: null, sinceMs: null, fromDomain: null, requireAuth: false, timeoutMs: 60_000 });
  });

  it('reads since as a message id or an ISO time (to the second)', () => {
    assert.equal(parseWaitQuery({ since: 'msg_abc-_1' }, 60).sinceId, 'msg_abc-_1');
    assert.equal(parseWaitQuery({ since: '2026-03-07T13:05:22.900Z' }, 60).sinceMs, Date.parse('2026-03-07T13:05:22Z'));
    assert.equal(parseWaitQuery({ since: '2026-03-07T14:05:22+01:00' }, 60).sinceMs, Date.parse('2026-03-07T13:05:22Z'));
  });

  it('refuses bad values with bad_request', () => {
    for (const p of [{ match: 'all' }, { timeout: '61' }, { timeout: '-1' }, { timeout: '1e3' }, { since: '2026-03-07' }, { since: 'msg_' }, { from: 'x'.repeat(257) }]) {
      assert.throws(() => parseWaitQuery(p, 60), (e: unknown) => e instanceof AppError && e.code === 'bad_request', JSON.stringify(p));
    }
  });
});

describe('matchesWait', () => {
  it('applies match, from (address or name), subject and since', () => {
    const q = (p: Record<string, string>) => parseWaitQuery(p, 60);
    assert.ok(matchesWait(q({ match: 'otp' }), message));
    assert.ok(!matchesWait(q({ match: 'link' }), message));
    assert.ok(matchesWait(q({ from: 'GITHUB.COM' }), message));
    assert.ok(matchesWait(q({ from: 'github' }), { ...message, sender: 'x@y.z' }));
    assert.ok(!matchesWait(q({ from: 'gitlab' }), message));
    assert.ok(matchesWait(q({ subject: 'sign-in' }), message));
    assert.ok(!matchesWait(q({ subject: 'reset' }), message));
    assert.ok(matchesWait(q({ since: '2026-03-07T13:05:22Z' }), message));
    assert.ok(!matchesWait(q({ since: '2026-03-07T13:05:23Z' }), message));
  });
});

describe('DeadlineWheel', () => {
  it('expires entries after their deadline, not removed ones, and stops its timer when empty', async () => {
    const expired: string[] = [];
    let all!: () => void;
    const done = new Promise<void>((resolve) => { all = resolve; });
    const wheel = new DeadlineWheel<string>((e) => {
      expired.push(e);
      if (expired.length === 2) all();
    }, 10);
    const now = Date.now();
    wheel.add('a', now + 30);
    wheel.add('b', now + 20);
    wheel.add('gone', now + 20);
    wheel.remove('gone');
    assert.equal(wheel.size, 2);
    const keepAlive = setInterval(() => {}, 1000); // the wheel's own timer is unref'd
    await done;
    clearInterval(keepAlive);
    assert.deepEqual(expired.sort(), ['a', 'b']);
    assert.equal(wheel.size, 0);
    assert.equal((wheel as unknown as { timer: unknown }).timer, null);
  });
});
