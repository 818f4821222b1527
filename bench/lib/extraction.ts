/**
 * CPU micro-benchmarks in this process: extraction (µs per message over the verification
 * corpus) and MIME parsing (postal-mime vs mailparser, and the server's own parseMail path).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';
import type * as ExtractModule from '../../apps/server/src/extract/index.js';
import type * as ParseModule from '../../apps/server/src/ingest/parse.js';
import { CORPUS_DIR, REPO_ROOT, round } from './util.js';

/**
 * The server's own code, from its build (apps/server/dist, what `npm run bench` just built and
 * runs as the service), so the micro-benchmarks measure the same code as the service.
 */
const dist = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'apps/server/dist', file)).href;
const { extract } = (await import(dist('extract/index.js'))) as typeof ExtractModule;
const { parseMail } = (await import(dist('ingest/parse.js'))) as typeof ParseModule;

/** The server's default parse limits and parser workers (config defaults). */
export const DEFAULT_LIMITS = { maxMimeDepth: 32, maxHeaderBytes: 1024 * 1024, maxMimeParts: 1000, maxAttachments: 200, parseWorkers: 1 };

export function loadCorpus(): Buffer[] {
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(path.join(CORPUS_DIR, f)));
}

export interface ExtractionResult {
  messages: number;
  iterations: number;
  usPerMessage: number;
  /** The same on the 28 KB multipart sample (an HTML newsletter-style body with 40 links). */
  usPerSample?: number;
}

/** Parses each corpus message once (as the server does), then times extract() over them. */
export async function extractionBench(corpus: Buffer[], iterations: number, sample?: Buffer): Promise<ExtractionResult> {
  const parsed = [];
  for (const raw of corpus) {
    const p = await parseMail(raw, DEFAULT_LIMITS);
    // A message kept raw would make extraction look free: the figure would be meaningless.
    if (p.unparsed) throw new Error(`the server did not parse a corpus message: ${p.unparsed}`);
    parsed.push(p);
  }
  for (const p of parsed) extract(p); // warm-up
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    for (const p of parsed) sink += extract(p).otp ? 1 : 0;
  }
  const ms = performance.now() - started;
  if (sink < 0) throw new Error('unreachable');
  const result: ExtractionResult = { messages: parsed.length, iterations, usPerMessage: round((ms * 1000) / (iterations * parsed.length)) };
  if (sample) {
    const p = await parseMail(sample, DEFAULT_LIMITS);
    if (p.unparsed) throw new Error(`the server did not parse the sample: ${p.unparsed}`);
    const n = Math.max(20, iterations * 4);
    for (let i = 0; i < 20; i++) extract(p);
    const t = performance.now();
    for (let i = 0; i < n; i++) extract(p);
    result.usPerSample = round(((performance.now() - t) * 1000) / n);
  }
  return result;
}

export interface ParseTimes {
  /** postal-mime as a library, on this thread (Node's own Blob). */
  postalMime: number;
  /** mailparser's simpleParser. */
  mailparser: number;
  /** The server's parseMail() as ingest calls it (16 in flight), wall ms per message. */
  serverParseMail: number;
}

async function msPer(messages: Buffer[], iterations: number, fn: (raw: Buffer) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.max(3, Math.floor(iterations / 10)); i++) for (const m of messages) await fn(m);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) for (const m of messages) await fn(m);
  return round((performance.now() - started) / (iterations * messages.length), 4);
}

async function msPerConcurrent(messages: Buffer[], iterations: number, inFlight: number): Promise<number> {
  const jobs = iterations * messages.length;
  const runAll = async (n: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const p = await parseMail(messages[next++ % messages.length], DEFAULT_LIMITS);
        if (p.unparsed) throw new Error(`server parseMail kept a message raw: ${p.unparsed}`);
      }
    }));
  };
  await runAll(Math.max(inFlight, Math.floor(jobs / 10)));
  const started = performance.now();
  await runAll(jobs);
  return round((performance.now() - started) / jobs, 4);
}

/** ms per message for each parser over `messages`. */
export async function parseBench(messages: Buffer[], iterations: number): Promise<ParseTimes> {
  return {
    postalMime: await msPer(messages, iterations, (raw) => PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' })),
    mailparser: await msPer(messages, iterations, (raw) => simpleParser(raw)),
    serverParseMail: await msPerConcurrent(messages, iterations, 16),
  };
}
