/**
 * The project's third own labelled set (fixtures/probe3, 80 messages in 33 languages, made by
 * fixtures/probe3-gen by someone who saw neither the extractor nor any other labelled set), for
 * languages the first sets covered least. Scored once before any rule was tuned on it: 50/80
 * right, 10 false positives. Four stay open on purpose (see KNOWN); any other failure fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { extract } from '../../src/extract/index.js';
import { loadLabelled, normaliseCode, readLabels } from './labelled.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/probe3');

/** Messages the extractor gets wrong today, and why they are left. */
const KNOWN: Record<string, string> = {
  'r05-sr-latn-otp-lowercase-alnum.eml': 'a lower-case code two clauses after its code word, beside a booking number: lower-case codes need their label right next to them',
  'r11-et-otp-hyphen-alnum.eml': 'groups of unequal length (K7-PQ4-Z9) are not joined: invoice and registry numbers look the same',
  'r51-hu-neg-static-pin.eml': 'a postcode before a city name ("1088 Budapest") near a code word is taken once the static PIN is refused',
};

test('own probe fixtures, third set', async (t) => {
  const labels = readLabels(dir);
  assert.equal(labels.length, 80);
  for (const label of labels) {
    const known = KNOWN[label.file];
    await t.test(label.file, { todo: known }, async () => {
      const got = extract(await loadLabelled(dir, label.file));
      assert.equal(normaliseCode(got.otp), normaliseCode(label.otp), `otp (${label.why})`);
      assert.equal(got.confirmationLink, label.confirmation_link, `link (${label.why})`);
    });
  }
});
