/** Messages kept raw (ingest/parser/raw-only.ts): subject and sender peeked from the header, a body that says why. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerPeek, rawOnly } from '../../../src/ingest/parser/raw-only.js';

test('subject (folded, encoded) and sender come from the first header block only', () => {
  const raw = Buffer.from([
    'Received: x', 'From: "Ann" <Ann@Example.COM>', 'Subject: =?UTF-8?B?SMOpbGxv?=', ' world', '', 'Subject: not this', 'From: nor@this.test', '',
  ].join('\r\n'));
  assert.deepEqual(headerPeek(raw), { subject: 'Héllo world', from: 'ann@example.com', fromName: 'Ann' });
});

test('a message without a header block or a From leaves them empty, not an error', () => {
  assert.deepEqual(headerPeek(Buffer.from('just text, no header\r\n')), { subject: '', from: null, fromName: null });
  assert.deepEqual(headerPeek(Buffer.alloc(0)), { subject: '', from: null, fromName: null });
});

test('rawOnly explains itself and extracts nothing', () => {
  const kept = rawOnly(Buffer.from('From: a@b.test\r\nSubject: big\r\n\r\nYour code is 123456\r\n'), 'it is too big');
  assert.equal(kept.unparsed, 'it is too big');
  assert.equal(kept.subject, 'big');
  assert.equal(kept.from, 'a@b.test');
  assert.match(kept.text, /did not display this message: it is too big\. .*raw\.php/);
  assert.deepEqual(kept.extraction, { otp: null, confirmationLink: null });
  assert.deepEqual(kept.attachments, []);
});

test('the address of a From with a display name of thousands of characters is still read', () => {
  const raw = Buffer.from(`From: "${'N'.repeat(5000)}" <big@example.com>\r\nSubject: s\r\n\r\nbody\r\n`);
  assert.equal(headerPeek(raw).from, 'big@example.com');
});
