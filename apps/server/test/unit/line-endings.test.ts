/** Bare LF detection chunk by chunk (smtp/line-endings.ts) agrees with one pass over the whole message. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBareLf, hasBareLf } from '../../src/smtp/line-endings.js';

const samples = ['a\r\nb\r\n', 'a\nb\r\n', '\nstart', 'end\n', 'x\r\n\r\ny\r\n', 'cr then lf\r\n', 'lone cr\r', '\r\n\n', ''];

/** Feeds `message` to hasBareLf in the given chunks, as the SMTP data handler does. */
function chunked(parts: Buffer[]): boolean {
  let last = -1;
  for (const part of parts) {
    if (part.length === 0) continue;
    if (hasBareLf(part, last)) return true;
    last = part[part.length - 1];
  }
  return false;
}

test('a message split anywhere gives the same answer as a pass over all of it', () => {
  for (const s of samples) {
    const whole = Buffer.from(s);
    const expected = findBareLf(whole) !== -1;
    for (let a = 0; a <= whole.length; a++) {
      for (let b = a; b <= whole.length; b++) {
        const parts = [whole.subarray(0, a), whole.subarray(a, b), whole.subarray(b)];
        assert.equal(chunked(parts), expected, `${JSON.stringify(s)} split at ${a}, ${b}`);
      }
    }
  }
  // The cases that matter at a boundary: CR at the end of one chunk, LF at the start of the next.
  assert.equal(hasBareLf(Buffer.from('\nrest'), 0x0d), false);
  assert.equal(hasBareLf(Buffer.from('\nrest'), 0x61), true);
  assert.equal(hasBareLf(Buffer.from('\nrest'), -1), true);
});
