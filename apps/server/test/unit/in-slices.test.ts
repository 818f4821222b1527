/** runtime/in-slices.ts: the same bytes as Buffer.concat, with the event loop free between slices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatInSlices } from '../../src/runtime/in-slices.js';

test('concatInSlices gives exactly what Buffer.concat gives', async () => {
  const chunks = Array.from({ length: 37 }, (_, i) => Buffer.alloc(100 + i * 13, i + 1));
  const sum = chunks.reduce((n, c) => n + c.length, 0);
  for (const total of [0, 1, 99, 100, 2500, sum - 1, sum, sum + 50]) {
    for (const slice of [64, 1000, 1 << 20]) {
      assert.deepEqual(await concatInSlices(chunks, total, slice), Buffer.concat(chunks, total), `total ${total}, slice ${slice}`);
    }
  }
});

test('other work runs while a big concatenation is under way', async () => {
  const chunks = Array.from({ length: 64 }, () => Buffer.alloc(1000, 7));
  const order: string[] = [];
  const joining = concatInSlices(chunks, 64_000, 1000).then(() => order.push('joined'));
  setImmediate(() => order.push('other work'));
  await joining;
  assert.deepEqual(order, ['other work', 'joined']);
});
