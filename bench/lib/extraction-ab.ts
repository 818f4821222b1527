/**
 * Extraction A/B in one process: this build's extract() beside another checkout's build
 * (BENCH_EXTRACT_BASELINE=/path/to/checkout, whose apps/server/dist must be built), over the
 * labelled corpora (verification and, where present, wide), rounds interleaved so that both
 * see the same machine. And the hostile inputs of the extractor's tests, timed one by one.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ExtractModule from '../../apps/server/src/extract/index.js';
import { HOSTILE_CASES } from '../../apps/server/test/extract/hostile-cases.js';
import { loadLabelled, readLabels } from '../../apps/server/test/extract/labelled.js';
import { REPO_ROOT, SHARED_DIR, round } from './util.js';

type Extract = typeof ExtractModule.extract;

async function loadExtract(root: string): Promise<Extract> {
  const file = path.join(root, 'apps/server/dist/extract/index.js');
  if (!existsSync(file)) throw new Error(`${file} not found: build that checkout first (npm run build)`);
  return ((await import(pathToFileURL(file).href)) as typeof ExtractModule).extract;
}

/** The labelled corpora's messages as the extractor sees them (subject, text, HTML). */
export async function corpusInputs(): Promise<ExtractModule.ExtractInput[]> {
  const inputs: ExtractModule.ExtractInput[] = [];
  for (const name of ['verification', 'wide']) {
    const dir = path.join(SHARED_DIR, 'corpus', name);
    if (!existsSync(dir)) continue;
    for (const label of readLabels(dir)) inputs.push(await loadLabelled(dir, label.file));
  }
  return inputs;
}

function timePass(extract: Extract, inputs: readonly ExtractModule.ExtractInput[], passes: number): number {
  const started = performance.now();
  for (let p = 0; p < passes; p++) for (const input of inputs) extract(input);
  return ((performance.now() - started) * 1000) / (passes * inputs.length);
}

export interface ExtractionAB {
  messages: number;
  baselineUs: number;
  currentUs: number;
  /** current / baseline: below 1 is faster. */
  ratio: number;
}

/** Medians over `rounds` interleaved rounds of this build against the baseline checkout's. */
export async function extractionAB(baselineRoot: string, rounds: number): Promise<ExtractionAB> {
  const baseline = await loadExtract(baselineRoot);
  const current = await loadExtract(REPO_ROOT);
  const inputs = await corpusInputs();
  for (let w = 0; w < 3; w++) {
    timePass(baseline, inputs, 2);
    timePass(current, inputs, 2);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(timePass(baseline, inputs, 5));
    b.push(timePass(current, inputs, 5));
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
  return { messages: inputs.length, baselineUs: round(median(a)), currentUs: round(median(b)), ratio: round(median(b) / median(a)) };
}

/** Milliseconds of this build's extract() on each hostile input (best of three). */
export async function hostileTimes(): Promise<{ name: string; ms: number }[]> {
  const extract = await loadExtract(REPO_ROOT);
  const out: { name: string; ms: number }[] = [];
  for (const [name, make] of HOSTILE_CASES) {
    const input = make();
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const started = performance.now();
      extract(input);
      best = Math.min(best, performance.now() - started);
    }
    out.push({ name, ms: round(best) });
  }
  return out;
}
