/**
 * The parser processes' line loop (ingest/parser/postal-mime-patches/line-loop.ts) must not change what postal-mime
 * produces: the corpus, the 28 KB multipart sample and boundary edge cases parse to the same
 * result before and after it is installed (this test file's process only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import { type NamedMessage, normaliseParsed, sharedMessages } from '../../helpers/mime-samples.js';
import { installFastLineLoop } from '../../../src/ingest/parser/postal-mime-patches/line-loop.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

function messages(): NamedMessage[] {
  const out = sharedMessages();
  // The project's own cases, so the comparison means something without ../shared too.
  out.push(
    { name: 'nested multipart with an attachment', raw: crlf([
      'From: A <a@x.test>', 'Subject: nested', 'Content-Type: multipart/mixed; boundary="m"', '',
      'preamble', '--m', 'Content-Type: multipart/alternative; boundary="a"', '',
      '--a', 'Content-Type: text/plain', '', 'plain -- not a boundary', '--not-a-boundary', '',
      '--a', 'Content-Type: text/html', '', '<p>html</p>', '--a--', 'epilogue of a',
      '--m', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename=a.bin', 'Content-Transfer-Encoding: base64', '', 'AAECAwQ=',
      '--m-- ', 'epilogue', '']) },
    { name: 'no final newline, last line is a boundary', raw: crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'x', '--b--']) },
    { name: 'no final newline, last line is text', raw: crlf(['Subject: t', '', 'line one', '-- signature']) },
    { name: 'lines starting "--" without any boundary', raw: crlf(['Subject: d', '', '--', '---', '-- x', 'end', '']) },
    { name: 'unterminated multipart', raw: crlf(['Content-Type: multipart/mixed; boundary=u', '', '--u', 'Content-Type: text/plain', '', 'cut off']) },
    { name: 'bare LF', raw: Buffer.from('Content-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain\n\nlf body\n--z--\n') },
  );
  return out;
}

test('the synchronous line loop gives postal-mime the very result its own gives', async () => {
  const all = messages();
  const before = [];
  for (const m of all) before.push(normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' })));
  assert.equal(installFastLineLoop(), true, 'postal-mime\'s processLine was not found');
  assert.equal(installFastLineLoop(), true, 'a second install is a no-op');
  for (const [i, m] of all.entries()) {
    const after = normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' }));
    assert.equal(after, before[i], `${m.name}: output differs`);
  }
  // The comparison was over real structure, not empty results.
  const nested = await PostalMime.parse(all.find((m) => m.name.startsWith('nested'))!.raw);
  assert.match(nested.text ?? '', /plain -- not a boundary\n--not-a-boundary/);
  assert.equal(nested.html?.trim(), '<p>html</p>');
  assert.equal(nested.attachments.length, 1);
});
