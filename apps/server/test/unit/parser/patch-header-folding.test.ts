/**
 * The parser processes' header unfolding (ingest/parser/postal-mime-patches/header-folding.ts)
 * must not change what postal-mime produces: the corpus, the 28 KB sample and folding edge
 * cases parse to the same result before and after it is installed (this test file's process
 * only); past TEMPMAIL_MAX_HEADER_FOLDS continuation lines in one field the parse is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import { type NamedMessage, normaliseParsed, sharedMessages } from '../../helpers/mime-samples.js';
import { TOO_MANY_FOLDS, installHeaderFolding, unfold } from '../../../src/ingest/parser/postal-mime-patches/header-folding.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const folded = (n: number) => crlf(['From: a@x.test', `Subject: start`, ...Array.from({ length: n }, (_, i) => ` word${i}`), '', 'body', '']);

function messages(): NamedMessage[] {
  const out = sharedMessages();
  out.push(
    { name: 'subject folded over 150 lines', raw: folded(150) },
    { name: 'tabs, empty-looking and encoded continuations', raw: crlf([
      'From: =?UTF-8?B?SMOpbGxv?=', '\t<a@x.test>', 'To: b@x.test,', ' c@x.test,', '\t d@x.test', 'Subject: =?UTF-8?Q?caf=C3=A9?=', '  =?UTF-8?Q?_au_lait?=', 'X-Empty:', ' ', '', 'body', '']) },
    { name: 'first header line indented', raw: crlf([' Subject: odd', ' more', 'From: a@x.test', '', 'b', '']) },
    { name: 'folded part headers', raw: crlf([
      'Content-Type: multipart/mixed;', ' boundary="b"', '', '--b', 'Content-Type: text/plain;', '\tcharset=utf-8', 'Content-Disposition: attachment;', ' filename="a', ' b.txt"', '', 'x', '--b--', '']) },
  );
  return out;
}

test('unfold merges continuation lines as postal-mime does and counts them', () => {
  assert.deepEqual(unfold(['A: 1', ' 2', '\t3', 'B: 4'], 2), ['A: 1\n 2\n\t3', 'B: 4']);
  assert.deepEqual(unfold([' lead', ' x', 'C: y'], 5), [' lead\n x', 'C: y']);
  assert.deepEqual(unfold([], 1), []);
  assert.throws(() => unfold(['A: 1', ' 2', ' 3', ' 4'], 2), new RegExp(TOO_MANY_FOLDS));
});

test('the linear unfolding gives postal-mime the very result its own gives; past the limit it refuses', async () => {
  const all = messages();
  const before = [];
  for (const m of all) before.push(normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' })));
  assert.equal(await installHeaderFolding(200), true, 'postal-mime\'s MimeNode#processHeaders was not found');
  for (const [i, m] of all.entries()) {
    const after = normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' }));
    assert.equal(after, before[i], `${m.name}: output differs`);
  }
  const parsed = await PostalMime.parse(folded(150));
  assert.match(parsed.subject ?? '', /^start word0 word1 .* word149$/);
  await assert.rejects(PostalMime.parse(folded(201)), new RegExp(`${TOO_MANY_FOLDS} 200 lines`));
  assert.equal(await installHeaderFolding(300), true, 'a second install only moves the limit');
  assert.match((await PostalMime.parse(folded(201))).subject ?? '', /word200$/);
});
