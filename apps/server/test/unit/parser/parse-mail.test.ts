/** The parse itself (ingest/parser/parse-mail.ts): postal-mime within the limits, then extraction, then the stored form. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countParts, parseMail, prepare } from '../../../src/ingest/parser/parse-mail.js';

const LIMITS = { maxMimeDepth: 4, maxHeaderBytes: 4096, maxMimeParts: 5, maxAttachments: 1, maxHeaderFolds: 20, maxRfc822Depth: 1 };
const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

const multipart = (parts: number) => crlf([
  'From: A <A@x.test>', 'Subject: parts', 'Content-Type: multipart/mixed; boundary="b"', '',
  ...Array.from({ length: parts }, (_, i) => ['--b', 'Content-Type: text/plain', '', `part ${i}`]).flat(), '--b--', '',
]);

test('countParts counts opening boundary lines, not the closing one, and stops past the cap', () => {
  assert.equal(countParts(multipart(3), 100), 3);
  assert.equal(countParts(multipart(50), 5), 6);
  assert.equal(countParts(Buffer.from('Subject: none\r\n\r\nbody\r\n'), 5), 0);
});

test('a message within the limits: sender, subject, text, attachment and extraction', async () => {
  const raw = crlf([
    'From: Shop <No-Reply@Shop.test>', 'Subject: Your code', 'Content-Type: multipart/mixed; boundary="m"', '',
    '--m', 'Content-Type: text/plain; charset=utf-8', '', 'Your verification code is 482910.',
    '--m', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="a.bin"', 'Content-Transfer-Encoding: base64', '', 'AAECAwQ=',
    '--m--', '',
  ]);
  const parsed = await parseMail(raw, LIMITS);
  assert.equal(parsed.unparsed, null);
  assert.equal(parsed.from, 'no-reply@shop.test');
  assert.equal(parsed.subject, 'Your code');
  assert.match(parsed.text, /482910/);
  assert.equal(parsed.extraction.otp, '482910');
  assert.equal(parsed.attachments.length, 1);
  assert.deepEqual([...parsed.attachments[0]!.content], [0, 1, 2, 3, 4]);
  const prepared = prepare(parsed, 'env@sender.test');
  const body = JSON.parse(Buffer.from(prepared.body).toString('utf8'));
  assert.equal(body.envelopeFrom, 'env@sender.test');
  assert.deepEqual(body.attachments.map((a: { filename: string; size: number }) => [a.filename, a.size]), [['a.bin', 5]]);
  assert.deepEqual([...prepared.attachments[0]!], [0, 1, 2, 3, 4]);
});

test('past each limit the message is kept raw with a reason', async () => {
  assert.match((await parseMail(multipart(6), LIMITS)).unparsed ?? '', /more than 5 MIME parts/);
  const deep = crlf([
    'Subject: deep', ...Array.from({ length: 6 }, (_, i) => [`Content-Type: multipart/mixed; boundary="d${i}"`, '', `--d${i}`]).flat(),
    'Content-Type: text/plain', '', 'inner', '',
  ]);
  assert.match((await parseMail(deep, { ...LIMITS, maxMimeParts: 100 })).unparsed ?? '', /nested deeper than 4 levels/);
  const bigHeader = crlf(['Subject: big', ...Array.from({ length: 100 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(60)}`), '', 'body']);
  assert.match((await parseMail(bigHeader, LIMITS)).unparsed ?? '', /header block is larger than 4096 bytes/);
  const twoAttachments = crlf([
    'Subject: two', 'Content-Type: multipart/mixed; boundary="t"', '',
    ...[1, 2].map((i) => ['--t', 'Content-Type: application/octet-stream', `Content-Disposition: attachment; filename=${i}.bin`, '', 'x']).flat(), '--t--', '',
  ]);
  const kept = await parseMail(twoAttachments, LIMITS);
  assert.match(kept.unparsed ?? '', /more than 1 attachments/);
  assert.equal(kept.subject, 'two');
});

test('an HTML-only message gets a text body derived from the HTML', async () => {
  const parsed = await parseMail(crlf(['Subject: h', 'Content-Type: text/html', '', '<p>Hello <b>there</b></p><p>second</p>', '']), LIMITS);
  assert.match(parsed.text, /^Hello there\n+second$/);
  assert.match(parsed.html ?? '', /<b>there<\/b>/);
});

test('charsets Node\'s TextDecoder lacks are decoded, not read as windows-1252: ISO-8859-16 (Romanian)', async () => {
  // "Poștă: codul tău" in ISO-8859-16: ș = 0xBA, ă = 0xE3 (windows-1252 would give º and ã)
  const body = Buffer.from([0x50, 0x6f, 0xba, 0x74, 0xe3, 0x3a, 0x20, 0x63, 0x6f, 0x64, 0x75, 0x6c, 0x20, 0x74, 0xe3, 0x75]);
  const raw = Buffer.concat([
    Buffer.from('From: a@example.ro\r\nSubject: =?iso-8859-16?Q?Codul_t=E3u?=\r\nContent-Type: text/plain; charset=iso-8859-16\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    body,
    Buffer.from('\r\n'),
  ]);
  const parsed = await parseMail(raw, LIMITS);
  assert.equal(parsed.subject, 'Codul tău');
  assert.equal(parsed.text?.trim(), 'Poștă: codul tău');
  // the native decoder still serves every label it knows
  assert.equal(new TextDecoder('windows-1252').decode(Buffer.from([0xba])), 'º');
});
