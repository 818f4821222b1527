/**
 * Hostile input (see hostile-cases.ts): every case must finish and come back with sane output
 * and the expected fields. Linear time is the design (docs/extraction.md); how long each case
 * takes is measured by `npm run bench` (extraction section), not asserted here, so a busy
 * machine cannot fail this test. A super-linear regression still shows: the test runner's
 * timeout ends a case that never finishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extract, type Extraction } from '../../src/extract/index.js';
import { HOSTILE_CASES } from './hostile-cases.js';

function sane(out: Extraction): void {
  assert.ok(out.otp === null || (typeof out.otp === 'string' && out.otp.length >= 4 && out.otp.length <= 10), `otp ${out.otp}`);
  assert.ok(out.confirmationLink === null || out.confirmationLink.startsWith('http'), `link ${out.confirmationLink?.slice(0, 80)}`);
}

test('hostile input comes back sane', async (t) => {
  for (const [name, make, expected] of HOSTILE_CASES) {
    await t.test(name, () => {
      const out = extract(make());
      sane(out);
      if (expected) for (const [k, v] of Object.entries(expected)) assert.equal(out[k as keyof Extraction], v, k);
    });
  }
});

test('non-string and empty parts are tolerated', () => {
  assert.deepEqual(extract({ subject: '', text: null, html: null }), { otp: null, confirmationLink: null });
  assert.deepEqual(extract({ subject: '', text: '', html: '' }), { otp: null, confirmationLink: null });
  assert.deepEqual(extract({ subject: undefined as unknown as string, text: null, html: '<' }), { otp: null, confirmationLink: null });
});
