/** The bench's summary statistics: what every table row and JSON figure is built from. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { percentile, stat } from '../lib/util.js';

test('stat keeps every run at the same precision as the median', () => {
  // Array.prototype.map passes the index as a second argument; rounding must not take it as digits.
  const s = stat([1.8437, 1.7521, 1.8723]);
  assert.deepEqual(s, { median: 1.844, min: 1.752, max: 1.872, runs: [1.844, 1.752, 1.872] });
});

test('stat: even counts average the middle pair; non-finite runs are dropped', () => {
  assert.deepEqual(stat([4, NaN, 2, 8, 6]), { median: 5, min: 2, max: 8, runs: [4, 2, 8, 6] });
  assert.deepEqual(stat([]).runs, []);
});

test('percentile is nearest-rank', () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted order
  assert.equal(percentile(samples, 50), 50);
  assert.equal(percentile(samples, 99), 99);
  assert.equal(percentile(samples, 100), 100);
});
