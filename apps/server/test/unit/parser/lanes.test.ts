/**
 * Cost lanes (ingest/parser/lanes.ts) with real parser processes: a message that outlasts the
 * ordinary lane's budget is parsed again in the costly lane, not lost and not kept raw; its
 * sender's next message goes to the costly lane directly; other senders' mail is parsed
 * meanwhile. No timing verdicts: the costly message takes seconds, the budget is 200 ms.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { CostlyPace, CostlySenders, LARGE_BUDGET_MS_PER_MB, LARGE_MESSAGE, LanedParser, largeBudgetMs } from '../../../src/ingest/parser/lanes.js';
import { ParserPool } from '../../../src/ingest/parser/pool.js';
import type { ParserOptions } from '../../../src/ingest/parser/types.js';

// maxMimeParts far above the nested messages' 13,000-16,000 Content-Type fields: here only the
// budget moves them (the structure scan's own test below uses the default 1,000).
const OPTIONS: ParserOptions = {
  maxMimeDepth: 32, maxHeaderBytes: 1024 * 1024, maxMimeParts: 100_000, maxAttachments: 200, maxHeaderFolds: 200, maxRfc822Depth: 3,
  workers: 1, timeoutMs: 120_000, memoryMb: 512, budgetMs: 200, costlySenderMs: 600_000,
};

/** Slow for postal-mime at any budget worth having: 13,000 nested message/rfc822 levels (0.9 MB). */
function nested(depth: number, subject: string): Buffer {
  let s = 'From: in@x.test\r\nSubject: innermost\r\n\r\ninnermost\r\n';
  for (let i = 0; i < depth; i++) s = `From: x${i}@x.test\r\nSubject: ${i === depth - 1 ? subject : `level ${i}`}\r\nContent-Type: message/rfc822\r\n\r\n${s}`;
  return Buffer.from(s);
}
const ordinary = (code: string) => Buffer.from(`From: shop@x.test\r\nSubject: code ${code}\r\n\r\nYour code is ${code}\r\n`);

const lanes = new LanedParser(OPTIONS);
after(() => lanes.close());

test('CostlySenders remembers a sender for a while, and only when asked to', () => {
  let now = 1000;
  const senders = new CostlySenders(500, () => now);
  senders.mark('10.0.0.1');
  assert.equal(senders.has('10.0.0.1'), true);
  assert.equal(senders.has('10.0.0.2'), false);
  now += 501;
  assert.equal(senders.has('10.0.0.1'), false);
  const never = new CostlySenders(0, () => now);
  never.mark('10.0.0.1');
  assert.equal(never.has('10.0.0.1'), false);
});

test('over budget: parsed in the costly lane, not kept raw; the sender goes there directly next time', async () => {
  lanes.start();
  const [costly, plain] = await Promise.all([
    lanes.prepare(nested(13_000, 'costly one'), 'e@x', '192.0.2.1'),
    lanes.prepare(ordinary('314159'), 'e@x', '192.0.2.2'),
  ]);
  assert.equal(costly.unparsed, null, 'parsed, not kept raw');
  assert.equal(costly.subject, 'costly one');
  assert.equal(costly.attachments.length, 1, 'levels past TEMPMAIL_MAX_RFC822_DEPTH are an attachment');
  // At least the costly one was moved (on a very busy machine the small one may have been too).
  const moved = lanes.overBudget;
  assert.ok(moved >= 1, `${moved} moved`);
  assert.equal(plain.unparsed, null);
  assert.equal(plain.extraction.otp, '314159');

  const again = await lanes.prepare(nested(13_000, 'costly two'), 'e@x', '192.0.2.1');
  assert.equal(again.subject, 'costly two');
  assert.equal(again.unparsed, null);
  assert.equal(lanes.overBudget, moved, 'the marked sender went to the costly lane directly');
});

test('a message whose structure says costly goes to the costly lane at once: no budget spent, still parsed, its sender marked', async (t) => {
  const lanes = new LanedParser({ ...OPTIONS, maxMimeParts: 1000 });
  t.after(() => lanes.close());
  lanes.start();
  const [costly, plain] = await Promise.all([
    lanes.prepare(nested(13_000, 'costly by shape'), 'e@x', '192.0.2.20'),
    lanes.prepare(ordinary('161803'), 'e@x', '192.0.2.21'),
  ]);
  assert.equal(lanes.byStructure, 1, 'the nested one, and only it, went by its structure');
  assert.equal(lanes.overBudget, 0, 'nothing spent a budget in the ordinary lane first');
  assert.equal(costly.unparsed, null, 'parsed, not kept raw: only the lane changed');
  assert.equal(costly.subject, 'costly by shape');
  assert.equal(plain.extraction.otp, '161803');
  // Its sender's next message, however plain, goes to the costly lane as after a budget.
  const next = await lanes.prepare(ordinary('141421'), 'e@x', '192.0.2.20');
  assert.equal(next.extraction.otp, '141421');
  assert.equal(lanes.byStructure, 1);
  assert.deepEqual(lanes.depth(), { ordinary: 0, costly: 0, large: 0 });
});

test('CostlyPace spaces results by size at its rate, and an idle pace holds nothing', () => {
  let now = 10_000;
  const pace = new CostlyPace(1000, () => now); // 1,000 bytes per second
  assert.equal(pace.reserve(500), 0, 'the first goes at once');
  assert.equal(pace.reserve(2000), 500, 'the next after the first one\'s 500 ms');
  assert.equal(pace.reserve(100), 2500, 'and the one after that after both');
  now += 10_000;
  assert.equal(pace.reserve(100), 0, 'time has caught up: at once again');
  const off = new CostlyPace(0, () => now);
  assert.equal(off.reserve(10_000_000), 0);
  assert.equal(off.reserve(10_000_000), 0);
});

test('the costly lane hands its results on at the pace: the second one no sooner than the first one\'s size allows', async (t) => {
  // Six Content-Type fields against a part limit of 5: costly by structure, cheap to parse.
  const shaped = (code: string) => Buffer.from(`From: shop@x.test\r\nSubject: code ${code}\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n`
    + `${'--b\r\nContent-Type: text/plain\r\n\r\nYour code is ' + code + '\r\n'.repeat(1)}`.repeat(5) + '--b--\r\n');
  const first = shaped('246810');
  const rate = 2000; // bytes per second: the first message's turn lasts first.length / 2 ms
  const lanes = new LanedParser({ ...OPTIONS, maxMimeParts: 5, costlyBytesPerSecond: rate });
  t.after(() => lanes.close());
  lanes.start();
  const handedOn: number[] = [];
  const done = [first, shaped('135791')].map((raw) => lanes.prepare(raw, 'e@x', '192.0.2.40').then((p) => {
    handedOn.push(performance.now());
    return p;
  }));
  const [a, b] = await Promise.all(done);
  assert.equal(lanes.byStructure, 1, 'the first by its structure; the second by its marked sender');
  assert.equal(a.extraction.otp, '246810');
  assert.equal(b.extraction.otp, '135791');
  const turnMs = (first.length / rate) * 1000;
  assert.deepEqual(lanes.depth(), { ordinary: 0, costly: 0, large: 0 }, 'nothing left waiting');
  assert.ok(handedOn[1]! - handedOn[0]! >= turnMs - 1, `second handed on ${(handedOn[1]! - handedOn[0]!).toFixed(0)} ms after the first; its turn starts ${turnMs.toFixed(0)} ms after`);
});

test('the large lane budget grows with the size and is never below the ordinary budget', () => {
  assert.equal(largeBudgetMs(1024, 250), 250);
  assert.equal(largeBudgetMs(20 * 1024 * 1024, 250), 20 * LARGE_BUDGET_MS_PER_MB);
});

test('a message over 1 MiB that outlasts its large-lane budget moves to the costly lane and is still parsed', async (t) => {
  const big = nested(16_000, 'big costly');
  assert.ok(big.length > LARGE_MESSAGE, `${big.length} bytes`);
  // At the default 500 ms per MB this message (~0.8 s of CPU today) sits near its budget, and
  // whether it is moved would depend on the machine; at 20 ms per MB its budget is the ordinary
  // 200 ms floor, a fraction of what it takes anywhere.
  const lanes = new LanedParser({ ...OPTIONS, largeBudgetMsPerMb: 20 });
  t.after(() => lanes.close());
  lanes.start();
  assert.equal(largeBudgetMs(big.length, OPTIONS.budgetMs, 20), OPTIONS.budgetMs);
  const before = lanes.overBudget;
  const [costly, plain] = await Promise.all([
    lanes.prepare(big, 'e@x', '192.0.2.9'),
    lanes.prepare(ordinary('271828'), 'e@x', '192.0.2.10'),
  ]);
  assert.equal(costly.unparsed, null, 'parsed, not kept raw');
  assert.equal(costly.subject, 'big costly');
  assert.ok(lanes.overBudget > before, 'moved out of the large lane');
  assert.equal(plain.extraction.otp, '271828');
});

/** Niceness of each parser process this test process started (Linux /proc), by pid. */
function childNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) out.set(Number(entry), Number(fields[16]));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

test('a parse past its demotion share goes on at the lower priority, is not killed, and its process gets its priority back', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  // Demoted after 0.1 ms of CPU (a budget of 60 s, demoted at 1/600,000 of it): the nested
  // message takes far longer anywhere, and far less than the budget.
  const pool = new ParserPool({
    size: 1, timeoutMs: 120_000, memoryMb: 512, limits: OPTIONS, budgetMs: 60_000, demoteAt: 0.1 / 60_000, demoteTo: 10,
    overBudget: () => assert.fail('nothing here outlasts a 60 s budget'),
  });
  t.after(() => pool.close());
  // This file's other parsers have processes of their own: this pool's is the one that is new.
  const others = new Set(childNiceness().keys());
  const ours = () => [...childNiceness()].filter(([pid]) => !others.has(pid)).map(([, nice]) => nice);
  pool.warm();
  const niceWhileParsing: number[] = [];
  const watch = setInterval(() => niceWhileParsing.push(...ours()), 20);
  let costly;
  try {
    costly = await pool.prepare(nested(13_000, 'demoted, not killed'), 'e@x', '192.0.2.30');
  } finally {
    clearInterval(watch);
  }
  assert.equal(costly.unparsed, null, 'parsed to the end');
  assert.equal(costly.subject, 'demoted, not killed');
  assert.equal(pool.demotions, 1);
  assert.ok(niceWhileParsing.includes(10), `seen at nice 10 while parsing (${[...new Set(niceWhileParsing)].join(', ')})`);
  assert.deepEqual(ours(), [0], 'one process, back at nice 0');
  const plain = await pool.prepare(ordinary('173205'), 'e@x', '192.0.2.31');
  assert.equal(plain.extraction.otp, '173205');
  assert.equal(pool.demotions, 1, 'a quick parse is not demoted');
});
