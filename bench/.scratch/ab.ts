// Scratch A/B: alternate ingest runs between two builds (not part of the bench).
import { startService, generateMailbox } from '../lib/service.js';
import { smtpLoad, makeMimeSample } from '../lib/smtp-load.js';
import os from 'node:os';
const [cliA, cliB] = [process.env.A!, process.env.B!];
const rounds = Number(process.env.ROUNDS ?? 4);
const n = Number(process.env.N ?? 3000);
const extra = JSON.parse(process.env.EXTRA ?? '{}');
makeMimeSample('/tmp/benchtry/sample.eml');
const body = process.env.BODY ?? '/tmp/benchtry/sample.eml';
process.env.BENCH_SERVER_CLI = cliA;
const a = await startService(extra);
process.env.BENCH_SERVER_CLI = cliB;
const b = await startService(extra);
const res: Record<string, number[]> = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const [name, svc] of [['A', a], ['B', b]] as const) {
    const m = await generateMailbox(svc);
    const t = await smtpLoad(svc.smtpPort, m.email, n, body, 16, 300, svc.pid);
    res[name].push(t.msgPerSec);
    console.log(name, t.msgPerSec, 'cpu', JSON.stringify(t.cpuMsPerMsg), 'load', os.loadavg()[0].toFixed(1), t.warnings.join(';'));
  }
}
const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
console.log('median A', med(res.A), 'B', med(res.B));
await a.stop(); await b.stop();
process.exit(0);
