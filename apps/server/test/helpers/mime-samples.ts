/**
 * Real-world MIME for the tests that check a parser speed-up changes nothing: the shared
 * verification corpus and the benchmark's 28 KB multipart sample (both from ../shared, absent
 * in a user's own clone, where the callers' own edge cases still run).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NamedMessage {
  name: string;
  raw: Buffer;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED = path.resolve(ROOT, '../shared');

/** The corpus messages and the multipart sample, when ../shared is there. */
export function sharedMessages(): NamedMessage[] {
  const out: NamedMessage[] = [];
  const corpus = path.join(SHARED, 'corpus/verification');
  if (existsSync(corpus)) {
    for (const f of readdirSync(corpus).filter((n) => n.endsWith('.eml')).sort()) out.push({ name: f, raw: readFileSync(path.join(corpus, f)) });
  }
  const maker = path.join(SHARED, 'tools/make-mime.mjs');
  if (existsSync(maker)) {
    const dir = mkdtempSync(path.join(tmpdir(), 'mime-sample-'));
    execFileSync(process.execPath, [maker, path.join(dir, 'sample.eml')]);
    out.push({ name: 'sample-mime.eml', raw: readFileSync(path.join(dir, 'sample.eml')) });
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** A stable comparison form of a postal-mime result (attachment contents as hex). */
export function normaliseParsed(email: unknown): string {
  return JSON.stringify(email, (_k, v) => (v instanceof ArrayBuffer ? Buffer.from(v).toString('hex') : v));
}
