/** Attachments stored as a range of the raw source (ingest/parser/raw-ranges.ts and its use in parse-mail.ts). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { rangeBytes } from '../../../src/domain/raw-range.js';
import { MIN_RANGE_BYTES, rawRanges } from '../../../src/ingest/parser/raw-ranges.js';
import { parseMail, prepare } from '../../../src/ingest/parser/parse-mail.js';
import { nestedRfc822 } from '../../helpers/costly-mail.js';

const LIMITS = { maxMimeDepth: 32, maxHeaderBytes: 1 << 20, maxMimeParts: 1000, maxAttachments: 200, maxHeaderFolds: 200, maxRfc822Depth: 3 };
const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const text = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed} line ${i} of a forwarded message`).join('\r\n');

test('finds each attachment verbatim in the raw source, in order, and nothing that is not there', () => {
  const a = Buffer.from(text(2500, 'first'));
  const b = Buffer.from(text(2500, 'second'));
  const raw = Buffer.concat([Buffer.from('head\r\n'), a, Buffer.from('\r\nmiddle\r\n'), b, Buffer.from('\r\ntail')]);
  const absent = Buffer.from(text(2500, 'absent'));
  const small = Buffer.from('middle');
  const ranges = rawRanges(raw, [a, absent, small, b]);
  assert.deepEqual(ranges[0], { start: 6, end: 6 + a.length });
  assert.equal(ranges[1], null);
  assert.equal(ranges[2], null, `smaller than ${MIN_RANGE_BYTES} bytes: kept as its own copy`);
  assert.deepEqual(ranges[3], { start: raw.indexOf(b), end: raw.indexOf(b) + b.length });
  for (const [i, content] of [a, absent, small, b].entries()) {
    const r = ranges[i];
    if (r) assert.ok(rangeBytes(raw, r).equals(content));
  }
});

test('a part handed over with LF where the source has CRLF is found, and reads back exactly', () => {
  const part = Buffer.from(`${text(2500, 'lf').replaceAll('\r\n', '\n')}\nends with a bare CR\r, and CR LF in the part itself: \r\n`);
  const raw = Buffer.concat([Buffer.from('head\r\n\r\n'), Buffer.from(part.toString('latin1').replaceAll('\n', '\r\n'), 'latin1'), Buffer.from('\r\n--b--\r\n')]);
  const [range] = rawRanges(raw, [part]);
  assert.ok(range && range.lf, 'found in its CRLF form');
  assert.ok(rangeBytes(raw, range).equals(part), 'the range reads back as the part, byte for byte');
  // A source whose line breaks differ from the part's in one place only is not taken.
  const changed = Buffer.from(raw.toString('latin1').replace('lf line 100 of', 'lf line 100 0f'), 'latin1');
  assert.equal(rawRanges(changed, [part])[0], null);
});

test('base64 parts are found whatever their line length, and only where they decode to exactly the part', () => {
  const part = randomBytes(100_000);
  const wrap = (b64: string, n: number) => (n ? b64.replace(new RegExp(`.{${n}}`, 'g'), '$&\r\n') : b64);
  for (const n of [76, 64, 60, 0]) {
    const encoded = wrap(part.toString('base64'), n).replace(/\r\n$/, '');
    const raw = Buffer.from(`--b\r\nContent-Transfer-Encoding: base64\r\n\r\n${encoded}\r\n--b--\r\n`, 'latin1');
    const [range] = rawRanges(raw, [part]);
    assert.ok(range?.enc === 'base64', `lines of ${n || 'unbroken'}: found`);
    assert.ok(rangeBytes(raw, range).equals(part), `lines of ${n || 'unbroken'}: reads back byte for byte`);
  }
  // One character changed inside the encoded text: it no longer decodes to the part, so no range.
  const encoded = wrap(part.toString('base64'), 76);
  const i = encoded.length >> 1;
  const flipped = encoded.slice(0, i) + (encoded[i] === 'A' ? 'B' : 'A') + encoded.slice(i + 1);
  const raw = Buffer.from(`--b\r\n\r\n${flipped}\r\n--b--\r\n`, 'latin1');
  assert.equal(rawRanges(raw, [part])[0], null);
});

test('a start that repeats is compared in full at each place, not taken on its start alone', () => {
  const start = 'X'.repeat(300);
  const decoy = Buffer.from(`${start}${text(2500, 'decoy')}`);
  const real = Buffer.from(`${start}${text(2500, 'real')}`);
  const raw = Buffer.concat([decoy, Buffer.from('\r\n'), decoy, Buffer.from('\r\n'), real]);
  const [range] = rawRanges(raw, [real]);
  assert.ok(range);
  assert.ok(rangeBytes(raw, range).equals(real));
  assert.equal(range.start, raw.length - real.length);
});

test('hostile mail: the search stops within its budget (many attachments that are not in the source)', () => {
  // 200 attachments of 64 KB that do not stand in a 4 MB source: without a budget, 200 full scans.
  const raw = Buffer.alloc(4 << 20, 0x41);
  const contents = Array.from({ length: 200 }, () => Buffer.concat([Buffer.alloc(300, 0x41), randomBytes(64 << 10)]));
  const ranges = rawRanges(raw, contents);
  assert.ok(ranges.every((r) => r === null));
});

test('parse and prepare: a forwarded message/rfc822 and a base64 part are stored as ranges of the raw source; a quoted-printable part keeps its bytes', async () => {
  const inner = crlf(['From: Inner <inner@x.test>', 'Subject: forwarded', '', text(2500, 'inner')]);
  const binary = randomBytes(100_000);
  const raw = crlf([
    'From: Shop <no-reply@shop.test>', 'Subject: Fwd', 'Content-Type: multipart/mixed; boundary="m"', '',
    '--m', 'Content-Type: text/plain; charset=utf-8', '', 'See the attached message.',
    '--m', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="fwd.eml"', '', inner.toString('latin1'),
    '--m', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="b.bin"', 'Content-Transfer-Encoding: base64', '',
    binary.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--m', 'Content-Type: text/plain; charset=utf-8', 'Content-Disposition: attachment; filename="q.txt"', 'Content-Transfer-Encoding: quoted-printable', '',
    `${'caf=C3=A9 au lait '.repeat(5000)}=\r\nend`,
    '--m--', '',
  ]);
  const parsed = await parseMail(raw, LIMITS);
  assert.equal(parsed.unparsed, null);
  assert.equal(parsed.attachments.length, 3);
  const [fwd, bin, qp] = parsed.attachments;
  assert.ok(fwd!.rawRange, 'the forwarded message was found in the source');
  assert.ok(rangeBytes(raw, fwd!.rawRange).equals(Buffer.from(fwd!.content)), 'its range holds exactly its bytes');
  assert.equal(bin!.rawRange?.enc, 'base64', 'the base64 part was found encoded');
  assert.ok(rangeBytes(raw, bin!.rawRange!).equals(binary));
  assert.equal(qp!.rawRange ?? null, null, 'a quoted-printable part is not found in the source: its own copy');

  const prepared = prepare(parsed, 'env@sender.test');
  const body = JSON.parse(Buffer.from(prepared.body).toString('utf8')) as { attachments: Array<{ size: number; rawRange?: unknown }> };
  assert.equal(prepared.attachments[0]!.byteLength, 0, 'no second copy of the forwarded message');
  assert.deepEqual(body.attachments[0]!.rawRange, fwd!.rawRange);
  assert.equal(body.attachments[0]!.size, fwd!.content.byteLength, 'the size stays the attachment\'s own');
  assert.equal(prepared.attachments[1]!.byteLength, 0, 'no decoded copy of the base64 part');
  assert.equal(body.attachments[1]!.size, binary.length);
  assert.ok(Buffer.from(prepared.attachments[2]!).equals(Buffer.from(qp!.content)));
  assert.equal(body.attachments[2]!.rawRange, undefined);
});

test('the costly nested message of issue 19 stores its deep remainder once, as a range', async () => {
  const raw = nestedRfc822(2000, 'nested');
  const parsed = await parseMail(raw, LIMITS);
  const prepared = prepare(parsed, 'env@sender.test');
  const stored = prepared.attachments.reduce((n, a) => n + a.byteLength, 0);
  const kept = parsed.attachments.reduce((n, a) => n + a.content.byteLength, 0);
  assert.ok(kept > raw.length / 2, `the remainder is most of the message (${kept} of ${raw.length} bytes)`);
  assert.equal(stored, 0, 'stored as ranges of the raw source, not again');
});
