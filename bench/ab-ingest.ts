/**
 * A/B of multipart ingest in one run: the built service (B) against another build (A, e.g. the
 * commit before a change, built elsewhere), alternating A and B so both see the same machine.
 * Per run: CPU per message from /proc (all processes: service threads and parser processes;
 * and the main thread alone) and msg/s, for the 28 KB multipart sample sent by smtp-source.
 *
 *   npm run build && node --import tsx bench/ab-ingest.ts /path/to/baseline/apps/server/dist/cli.js [runs=3] [messages=3000]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateMailbox, startService } from './lib/service.js';
import { makeMimeSample, smtpLoad } from './lib/smtp-load.js';
import { CLI, percentile } from './lib/util.js';

const [baseline, runsArg, messagesArg] = process.argv.slice(2);
if (!baseline) throw new Error('usage: ab-ingest.ts BASELINE_CLI [runs] [messages]');
const runs = Number(runsArg ?? 3);
const messages = Number(messagesArg ?? 3000);
const sample = path.join(mkdtempSync(path.join(tmpdir(), 'tempmail-ab-')), 'sample.eml');
makeMimeSample(sample);

/** CPU ms per message: all processes, the service's main thread, its other threads, its parser processes. */
interface Figures { total: number; main: number; threads: number; parsers: number; msgPerSec: number }
const results: Record<'A' | 'B', Figures[]> = { A: [], B: [] };

async function once(cli: string): Promise<Figures> {
  process.env.BENCH_SERVER_CLI = cli;
  const svc = await startService();
  try {
    const box = await generateMailbox(svc);
    await smtpLoad(svc.smtpPort, box.email, 300, sample, 16); // warm-up
    const res = await smtpLoad(svc.smtpPort, box.email, messages, sample, 16, 300, svc.pid);
    const cpu = res.cpuMsPerMsg ?? { total: NaN, main: NaN, children: NaN };
    const threads = Math.round((cpu.total - cpu.main - cpu.children) * 1000) / 1000;
    return { total: cpu.total, main: cpu.main, threads, parsers: cpu.children, msgPerSec: res.msgPerSec };
  } finally {
    await svc.stop();
  }
}

for (let r = 0; r < runs; r++) {
  // ABBA order: whichever side runs first in a round (a fresh page cache, a quieter moment) does so equally often.
  for (const side of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const f = await once(side === 'A' ? baseline : CLI);
    results[side].push(f);
    console.log(`run ${r + 1} ${side}: CPU ${f.total} ms/msg (main thread ${f.main}, other threads ${f.threads}, parser processes ${f.parsers}), ${f.msgPerSec} msg/s`);
  }
}
const median = (xs: number[]) => percentile(xs, 50);
const med = (side: 'A' | 'B', k: keyof Figures) => median(results[side].map((f) => f[k]));
for (const k of ['total', 'main', 'threads', 'parsers', 'msgPerSec'] as const) {
  console.log(`${k}: A ${med('A', k).toFixed(3)}, B ${med('B', k).toFixed(3)}, B/A ${(med('B', k) / med('A', k)).toFixed(3)} (medians of ${runs})`);
}
