/** Turns between senders (ingest/parser/fair-queue.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FairQueue } from '../../../src/ingest/parser/fair-queue.js';

test('takes turns between keys, first in first out within one', () => {
  const q = new FairQueue<string>();
  for (let i = 1; i <= 4; i++) q.push('flood', `f${i}`);
  q.push('quiet', 'q1');
  q.push('other', 'o1');
  q.push('quiet', 'q2');
  assert.equal(q.length, 7);
  const order = Array.from({ length: 7 }, () => q.shift());
  assert.deepEqual(order, ['f1', 'q1', 'o1', 'f2', 'q2', 'f3', 'f4']);
  assert.equal(q.shift(), undefined);
  assert.equal(q.length, 0);
});

test('a key that comes back joins the end of the rotation; drain empties it', () => {
  const q = new FairQueue<number>();
  q.push('a', 1);
  q.push('b', 2);
  assert.equal(q.shift(), 1);
  q.push('a', 3);
  q.push('c', 4);
  assert.deepEqual([q.shift(), q.shift(), q.shift()], [2, 3, 4]);
  q.push('x', 5);
  q.push('y', 6);
  assert.deepEqual(q.drain().sort(), [5, 6]);
  assert.equal(q.length, 0);
});
