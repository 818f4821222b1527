/**
 * The parser processes' base64 decoder (ingest/parser/postal-mime-patches/base64-decoder.ts) must not change what postal-mime
 * produces: the corpus, the 28 KB multipart sample and malformed base64 bodies parse to the
 * same result before and after it is installed (this test file's process only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import { type NamedMessage, normaliseParsed, sharedMessages } from '../../helpers/mime-samples.js';
import { installFastBase64 } from '../../../src/ingest/parser/postal-mime-patches/base64-decoder.js';

function withBody(body: string | Buffer, headers = 'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin'): Buffer {
  return Buffer.concat([
    Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n${headers}\r\nContent-Transfer-Encoding: base64\r\n\r\n`),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'),
    Buffer.from('\r\n--b--\r\n'),
  ]);
}

function messages(): NamedMessage[] {
  const out = sharedMessages();
  // The project's own cases, so the comparison means something without ../shared too.
  const random = Buffer.alloc(300_000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + (i >> 3)) & 0xff;
  const wrapped = random.toString('base64').replace(/.{76}/g, '$&\r\n');
  out.push(
    { name: 'well-formed, 300 KB over 100 KB chunks', raw: withBody(wrapped) },
    { name: 'empty body', raw: withBody('') },
    { name: 'padding', raw: withBody('SGVsbG8=\r\nSGk=\r\n') },
    { name: 'padding in the middle', raw: withBody('SGVs=bG8g\r\nd29y==bGQ=\r\n') },
    { name: 'one dangling character', raw: withBody('SGVsbG8gd29ybGQhQ\r\n') },
    { name: 'two and three left over', raw: withBody('SGVsbG8gd29ybGQhQU\r\nQUJD\r\nQUI\r\n') },
    { name: 'junk, tabs and spaces', raw: withBody('SG Vs\tbG8*gd2-9y_bGQ.h\r\n  ISEh\r\n') },
    { name: 'non-ASCII and invalid UTF-8', raw: withBody(Buffer.concat([Buffer.from('SGVs'), Buffer.from([0xc3, 0xa9, 0xff, 0xfe, 0x80]), Buffer.from('bG8h\r\n'), Buffer.from('é€ SGk=', 'utf8')])) },
    { name: 'bare LF lines', raw: Buffer.from(withBody('SGVsbG8g\r\nd29ybGQ=\r\n').toString('latin1').replace(/\r\n/g, '\n'), 'latin1') },
    { name: 'base64 text part', raw: withBody('w6l0w6kgw6AgUGFyaXM=\r\n', 'Content-Type: text/plain; charset=utf-8') },
  );
  return out;
}

test('the fast base64 decoder gives postal-mime the very bytes its own decoder gives', async () => {
  const all = messages();
  const before = [];
  for (const m of all) before.push(normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' })));
  assert.equal(await installFastBase64(), true, 'postal-mime\'s Base64Decoder was not found where base64-decoder.ts looks for it');
  for (const [i, m] of all.entries()) {
    const after = normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' }));
    assert.equal(after, before[i], `${m.name}: output differs`);
  }
  // The comparison was over real content: the big attachment decoded to its 300,000 bytes.
  const big = await PostalMime.parse(all.find((m) => m.name.startsWith('well-formed'))!.raw, { attachmentEncoding: 'arraybuffer' });
  assert.equal((big.attachments[0]!.content as ArrayBuffer).byteLength, 300_000);
});
