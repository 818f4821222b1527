// Scratch: per-thread CPU of the server during a multipart ingest run.
import { readFileSync, readdirSync } from 'node:fs';
import { startService, generateMailbox } from '../lib/service.js';
import { smtpLoad } from '../lib/smtp-load.js';
import { cpuTimes } from '../lib/util.js';
const ticks = (pid: number) => {
  const m = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    m.set(t, (Number(f[11]) + Number(f[12])) * 10);
  }
  return m;
};
if (process.env.CLI) process.env.BENCH_SERVER_CLI = process.env.CLI;
const svc = await startService(JSON.parse(process.env.EXTRA ?? '{}'));
const m = await generateMailbox(svc);
const body = process.env.BODY ?? '/tmp/benchtry/sample.eml';
await smtpLoad(svc.smtpPort, m.email, 300, body);
for (let r = 0; r < Number(process.env.ROUNDS ?? 2); r++) {
  const ca = cpuTimes(svc.pid); const a = ticks(svc.pid); const n = Number(process.env.N ?? 2000);
  const t = await smtpLoad(svc.smtpPort, m.email, n, body);
  const b = ticks(svc.pid); const cb = cpuTimes(svc.pid);
  const rows = [...b].map(([tid, v]) => [tid, (v - (a.get(tid) ?? 0)) / n] as const).filter(([, v]) => v > 0.005).sort((x, y) => y[1] - x[1]);
  console.log(`${t.msgPerSec} msg/s; ms/msg per thread:`, rows.map(([tid, v]) => `${tid === String(svc.pid) ? 'main' : tid}=${v.toFixed(3)}`).join(' '), 'sum', rows.reduce((s, [, v]) => s + v, 0).toFixed(3), 'children', ((cb.childrenMs - ca.childrenMs) / n).toFixed(3), 'total', ((cb.totalMs - ca.totalMs) / n).toFixed(3));
}
await svc.stop(); process.exit(0);
