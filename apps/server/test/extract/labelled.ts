/**
 * Labelled message sets (manifest.json + .eml files, the format of ../shared/corpus and of
 * fixtures/probe), read the way the service reads a message: postal-mime, then any forwarded
 * originals (ingest/parser/forwarded.ts) for the extractor.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import type { ExtractInput } from '../../src/extract/index.js';
import { forwardedOriginals } from '../../src/ingest/parser/forwarded.js';
import { installCharsetFallbacks } from '../../src/ingest/parser/charsets.js';

// decoded as the service decodes them (the charsets Node's TextDecoder lacks)
installCharsetFallbacks();

export interface Label {
  file: string;
  otp: string | null;
  confirmation_link: string | null;
  why: string;
}

/** The labels of a set, in manifest order. */
export function readLabels(dir: string): Label[] {
  return JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Label[];
}

/** The scorers' rule: a code matches without whitespace and hyphens, ignoring case. */
export function normaliseCode(code: string | null): string | null {
  return code === null ? null : code.replace(/[\s-]+/g, '').toLowerCase();
}

/** One message of a set as the extractor sees it in the service. */
export async function loadLabelled(dir: string, file: string): Promise<ExtractInput> {
  const email = await PostalMime.parse(readFileSync(path.join(dir, file)), { attachmentEncoding: 'arraybuffer' });
  const forwarded = await forwardedOriginals(email.attachments, { maxMimeDepth: 32, maxHeaderBytes: 64 * 1024 });
  return { subject: email.subject ?? '', text: email.text ?? null, html: email.html ?? null, forwarded };
}
