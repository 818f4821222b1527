/**
 * Table test over the shared labelled corpus (../shared/corpus/verification
 * relative to the repository root). A user's clone has no such folder: the
 * test is then skipped loudly; the project's own fixtures live in the other
 * files of this folder.
 *
 * Scoring rule: the code matches after removing whitespace and hyphens,
 * ignoring case; the link must match exactly; null must be null.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { extract } from '../../src/extract/index.js';
import { loadLabelled, normaliseCode, readLabels } from './labelled.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/verification');
const manifestPath = path.join(corpusDir, 'manifest.json');

test('shared verification corpus', async (t) => {
  if (!existsSync(manifestPath)) {
    const msg = `shared corpus not found at ${corpusDir}: skipping the corpus table test (the unit fixtures still run)`;
    console.warn(`\n*** ${msg} ***\n`);
    t.skip(msg);
    return;
  }
  const labels = readLabels(corpusDir);
  assert.ok(labels.length > 0, 'manifest lists messages');
  let micros = 0;
  for (const label of labels) {
    await t.test(label.file, async () => {
      const input = await loadLabelled(corpusDir, label.file);
      const t0 = performance.now();
      const got = extract(input);
      micros += (performance.now() - t0) * 1000;
      assert.equal(normaliseCode(got.otp), normaliseCode(label.otp), `otp (${label.why})`);
      assert.equal(got.confirmationLink, label.confirmation_link, `confirmation link (${label.why})`);
    });
  }
  t.diagnostic(`first-call time: ${(micros / labels.length).toFixed(0)} µs/message (cold, includes JIT)`);
});

// Speed is measured by `npm run bench` (extraction rows, with a same-run A/B against another build), not asserted here.
