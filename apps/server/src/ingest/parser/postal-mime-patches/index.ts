/**
 * Runtime patches of postal-mime's private internals, for speed only (each is byte-identical to
 * postal-mime's own output; docs/design.md writes each one up so it can be offered upstream):
 *
 * - blob.ts: a synchronous global `Blob` (postal-mime joins decoded chunks through Blob);
 * - base64-decoder.ts, qp-decoder.ts: one-pass body decoders (through patch-decoder.ts);
 * - line-loop.ts: plain body lines fed without a promise each;
 * - header-folding.ts: folded header lines merged in one pass (postal-mime's is quadratic),
 *   with the TEMPMAIL_MAX_HEADER_FOLDS limit.
 *
 * They reach into files postal-mime does not export, so they are written against one exact
 * version (pinned in apps/server/package.json; test/unit/parser/postal-mime-version.test.ts
 * fails on any other). With another version installed none is applied: the parser is slower,
 * never wrong.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installFastBase64 } from './base64-decoder.js';
import { FastBlob } from './blob.js';
import { installHeaderFolding } from './header-folding.js';
import { installFastLineLoop } from './line-loop.js';
import { installFastQp } from './qp-decoder.js';

/** The postal-mime version these patches were written and tested against. */
export const PATCHED_POSTAL_MIME_VERSION = '2.7.6';

/** The version of the postal-mime that `import 'postal-mime'` loads here. */
export function installedPostalMimeVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('postal-mime'));
  // The entry is <package>/src/postal-mime.js; the package's own package.json is one level up.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', `file://${entry}`), 'utf8')) as { name?: string; version?: string };
  if (pkg.name !== 'postal-mime' || !pkg.version) throw new Error(`no postal-mime package.json next to ${entry}`);
  return pkg.version;
}

/**
 * Applies every patch in this process. Only for a parser process (ingest/parser/child.ts):
 * it replaces the global Blob, which nothing else there uses. Returns warnings for what was
 * not applied.
 */
export async function installPostalMimePatches(limits: { maxHeaderFolds: number }): Promise<string[]> {
  const version = installedPostalMimeVersion();
  if (version !== PATCHED_POSTAL_MIME_VERSION) {
    return [`postal-mime ${version} is not the ${PATCHED_POSTAL_MIME_VERSION} its patches were written for: using it unpatched (slower)`];
  }
  (globalThis as { Blob: unknown }).Blob = FastBlob;
  const warnings: string[] = [];
  if (!(await installFastBase64())) warnings.push('postal-mime base64 decoder not found: using its own (slower)');
  if (!installFastLineLoop()) warnings.push('postal-mime line loop not found: using its own (slower)');
  if (!(await installFastQp())) warnings.push('postal-mime quoted-printable decoder not found: using its own (slower)');
  if (!(await installHeaderFolding(limits.maxHeaderFolds))) warnings.push('postal-mime header unfolding not found: using its own (quadratic, no fold limit)');
  return warnings;
}
