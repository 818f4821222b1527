/**
 * The structure scan (ingest/parser/structure-scan.ts): Content-Type fields are counted at the
 * start of a line only, in any letter case, with CRLF or bare LF, up to the stop; the costly
 * verdict starts past the part limit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentTypeFields, costlyByStructure } from '../../../src/ingest/parser/structure-scan.js';

const b = (s: string) => Buffer.from(s, 'latin1');

test('counts Content-Type fields at line starts, in any case, with CRLF or LF, the first line included', () => {
  assert.equal(contentTypeFields(b('Content-Type: text/plain\r\n\r\nhi\r\n'), 100), 1, 'the first line');
  assert.equal(contentTypeFields(b('From: a@x\r\ncontent-type: multipart/mixed\r\n\r\n--b\r\nCONTENT-TYPE: text/plain\r\n\r\nx\r\n--b\ncOnTeNt-TyPe: text/html\n\n<p>x</p>\n--b--\n'), 100), 3);
});

test('does not count the name in the middle of a line, another Content- field, or a name without its colon', () => {
  const raw = b('From: a@x\r\nSubject: about Content-Type: headers\r\nContent-Transfer-Encoding: 7bit\r\nContent-Typed: no\r\nX-Content-Type: no\r\n Content-Type: folded, a continuation\r\n\r\nbody\r\n');
  assert.equal(contentTypeFields(raw, 100), 0);
});

test('stops counting at the stop, and a cut-off name at the very end is not counted', () => {
  const many = b('Content-Type: message/rfc822\r\n\r\n'.repeat(50));
  assert.equal(contentTypeFields(many, 10), 10);
  assert.equal(contentTypeFields(many, 1000), 50);
  assert.equal(contentTypeFields(b('x\r\nContent-Typ'), 10), 0);
  assert.equal(contentTypeFields(b(''), 10), 0);
});

test('costly by structure only past the part limit', () => {
  const parts = (n: number) => b(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(n)}--b--\r\n`);
  assert.equal(costlyByStructure(parts(99), 100), null, '100 fields, the outer one included');
  assert.match(costlyByStructure(parts(100), 100) ?? '', /more than 100 Content-Type fields/);
});
