/**
 * The postal-mime patches (ingest/parser/postal-mime-patches/) reach into files postal-mime
 * does not export, so they are written for one exact version. This fails on any other: an
 * upgrade must re-check each patch (their own tests) and then move the pin here, in
 * apps/server/package.json and in the lockfile together.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PATCHED_POSTAL_MIME_VERSION, installedPostalMimeVersion } from '../../../src/ingest/parser/postal-mime-patches/index.js';

const json = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));

test('the installed postal-mime is exactly the version the patches were written for', () => {
  assert.equal(installedPostalMimeVersion(), PATCHED_POSTAL_MIME_VERSION);
});

test('package.json and the lockfile pin postal-mime to that exact version (no range)', () => {
  assert.equal(json('../../../package.json').dependencies['postal-mime'], PATCHED_POSTAL_MIME_VERSION);
  const lock = json('../../../../../package-lock.json');
  assert.equal(lock.packages['apps/server'].dependencies['postal-mime'], PATCHED_POSTAL_MIME_VERSION);
  assert.equal(lock.packages['node_modules/postal-mime'].version, PATCHED_POSTAL_MIME_VERSION);
});
