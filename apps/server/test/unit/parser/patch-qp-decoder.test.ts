/**
 * The parser processes' quoted-printable join (ingest/parser/postal-mime-patches/qp-decoder.ts) must not change what
 * postal-mime produces: the corpus, the 28 KB multipart sample and quoted-printable edge cases
 * parse to the same result before and after it is installed (this test file's process only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import { type NamedMessage, normaliseParsed, sharedMessages } from '../../helpers/mime-samples.js';
import { FastBlob } from '../../../src/ingest/parser/postal-mime-patches/blob.js';
import { installFastQp } from '../../../src/ingest/parser/postal-mime-patches/qp-decoder.js';

function qp(body: string | Buffer, charset = 'utf-8', type = 'text/plain'): Buffer {
  return Buffer.concat([
    Buffer.from(`Content-Type: ${type}; charset=${charset}\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`),
    Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  ]);
}

function messages(): NamedMessage[] {
  const out = sharedMessages();
  // The project's own cases, so the comparison means something without ../shared too.
  const long = Array.from({ length: 6000 }, (_v, i) => `<a href=3D"https://x.test/${i}">caf=C3=A9 n=C2=B0${i}</a>=\r\n`).join('');
  out.push(
    { name: 'escapes, soft breaks, lower-case hex', raw: qp('H=C3=A9llo=\r\n w=\r\norld =3d=3D end=\r\n<p class=3D"x">=E2=82=AC</p>\r\n') },
    { name: 'over 100 KB: postal-mime decodes it in stretches', raw: qp(long) },
    { name: 'leading "=" before an escape (postal-mime drops it)', raw: qp('==41BC\r\n') },
    { name: 'leading "=X" before an escape', raw: qp('=4=41\r\nrest\r\n') },
    { name: 'leading invalid escape of three', raw: qp('=ZZ=41\r\n') },
    { name: 'leading invalid escape, longer', raw: qp('=ZZZ text =41\r\n') },
    { name: 'invalid escapes in the middle', raw: qp('a=ZZb=4 c=\r\n=4\r\n1 d=G1=\r\n') },
    { name: 'a soft break that makes an escape', raw: qp('x==\r\n41y\r\n') },
    { name: 'trailing "=" and "=4" at the end', raw: qp('end=4') },
    { name: 'only "="', raw: qp('=') },
    { name: 'empty', raw: qp('') },
    { name: 'ISO-8859-1 with raw high bytes and escapes', raw: qp(Buffer.from('caf\xe9 =E9t=E9 \xff=\r\nfin\r\n', 'latin1'), 'iso-8859-1') },
    { name: 'invalid UTF-8 next to an escape', raw: qp(Buffer.concat([Buffer.from('a'), Buffer.from([0xc3]), Buffer.from('=A9 b '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('BOM=\r\n\r\n')])) },
    { name: 'non-ASCII text and emoji', raw: qp('Grüße 😀 =F0=9F=98=80 日本語=\r\n 終わり\r\n', 'utf-8', 'text/html') },
    { name: 'bare LF lines', raw: qp('one=\nline =3D two\nthree\n') },
  );
  return out;
}

test('the fast quoted-printable join gives postal-mime the very bytes its own gives', async () => {
  (globalThis as { Blob: unknown }).Blob = FastBlob; // as in the parser processes
  const all = messages();
  const before = [];
  for (const m of all) before.push(normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' })));
  assert.equal(await installFastQp(), true, 'postal-mime\'s QPDecoder was not found where qp-decoder.ts looks for it');
  for (const [i, m] of all.entries()) {
    const after = normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' }));
    assert.equal(after, before[i], `${m.name}: output differs`);
  }
  // The comparison was over decoded content, not empty results.
  const sampleText = (await PostalMime.parse(all.find((m) => m.name.startsWith('escapes'))!.raw)).text ?? '';
  assert.match(sampleText, /Héllo world == end/);
  assert.match(sampleText, /€/);
});
