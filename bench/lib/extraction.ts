/**
 * CPU micro-benchmarks in this process: extraction (µs per message over the verification
 * corpus) and MIME parsing (postal-mime vs mailparser, and the server's own parse path).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import PostalMime from 'postal-mime';
import type * as ExtractModule from '../../apps/server/src/extract/index.js';
import type * as ConfigModule from '../../apps/server/src/config/index.js';
import type * as ParseModule from '../../apps/server/src/ingest/parser/parse-mail.js';
import type * as ParserModule from '../../apps/server/src/ingest/parser/index.js';
import { CORPUS_DIR, REPO_ROOT, round } from './util.js';

/**
 * The server's own code, from its build (apps/server/dist, what `npm run bench` just built and
 * runs as the service), so the micro-benchmarks measure the same code as the service.
 */
const dist = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'apps/server/dist', file)).href;
const { extract } = (await import(dist('extract/index.js'))) as typeof ExtractModule;
const { parseMail } = (await import(dist('ingest/parser/parse-mail.js'))) as typeof ParseModule;
const { createMimeParser } = (await import(dist('ingest/parser/index.js'))) as typeof ParserModule;

/** The server's default parser options (limits and parser processes), from its own config defaults. */
export const DEFAULT_PARSER: ParserModule.ParserOptions = (await import(dist('config/index.js')) as typeof ConfigModule).loadConfig({}).parser;

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
    const p = await parseMail(raw, DEFAULT_PARSER);
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
    const p = await parseMail(sample, DEFAULT_PARSER);
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
  /**
   * postal-mime with the service's fast paths, as its parser processes run it: FastBlob
   * and the one-pass base64 and quoted-printable decoders (ingest/parser/postal-mime-patches/),
   * in a worker thread.
   */
  postalMimeFastPaths: number;
  /** mailparser's simpleParser. */
  mailparser: number;
  /**
   * The server's parser as ingest calls it (16 in flight), wall ms per message: the parser
   * processes, which also run extract() and build the stored body.
   */
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
  const parser = createMimeParser(DEFAULT_PARSER);
  const runAll = async (n: number) => {
    let next = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const p = await parser.prepare(messages[next++ % messages.length], 'bench@localhost');
        if (p.unparsed) throw new Error(`server parser kept a message raw: ${p.unparsed}`);
      }
    }));
  };
  try {
    await runAll(Math.max(inFlight, Math.floor(jobs / 10)));
    const started = performance.now();
    await runAll(jobs);
    return round((performance.now() - started) / jobs, 4);
  } finally {
    await parser.close();
  }
}

/** The code a worker runs to time postal-mime with the service's fast paths installed (never in this thread: fetch uses Blob). */
const FAST_PATHS_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  (async () => {
    const { installFastBlob } = await import(workerData.fastBlob);
    installFastBlob();
    const { installFastBase64 } = await import(workerData.fastBase64);
    const { installFastQp } = await import(workerData.fastQp);
    if (!(await installFastBase64()) || !(await installFastQp())) throw new Error('postal-mime decoders not found');
    const { default: PostalMime } = await import(workerData.postalMime);
    const messages = workerData.messages.map((m) => Buffer.from(m));
    const run = async (n) => { for (let i = 0; i < n; i++) for (const m of messages) await PostalMime.parse(m, { attachmentEncoding: 'arraybuffer' }); };
    await run(Math.max(3, Math.floor(workerData.iterations / 10)));
    const t = performance.now();
    await run(workerData.iterations);
    parentPort.postMessage((performance.now() - t) / (workerData.iterations * messages.length));
  })();
`;

async function msPerFastPaths(messages: Buffer[], iterations: number): Promise<number> {
  const worker = new Worker(FAST_PATHS_WORKER, {
    eval: true,
    workerData: {
      fastBlob: dist('ingest/parser/postal-mime-patches/blob.js'),
      fastBase64: dist('ingest/parser/postal-mime-patches/base64-decoder.js'),
      fastQp: dist('ingest/parser/postal-mime-patches/qp-decoder.js'),
      postalMime: import.meta.resolve('postal-mime'),
      messages: messages.map((m) => new Uint8Array(m)),
      iterations,
    },
  });
  try {
    return round(await new Promise<number>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); }), 4);
  } finally {
    await worker.terminate();
  }
}

/** ms per message for each parser over `messages`. */
export async function parseBench(messages: Buffer[], iterations: number): Promise<ParseTimes> {
  return {
    postalMime: await msPer(messages, iterations, (raw) => PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' })),
    postalMimeFastPaths: await msPerFastPaths(messages, iterations),
    mailparser: await msPer(messages, iterations, (raw) => simpleParser(raw)),
    serverParseMail: await msPerConcurrent(messages, iterations, 16),
  };
}
