/**
 * Where the CPU of multipart ingest goes, in CPU time rather than wall time: runs the built
 * service (or BENCH_SERVER_CLI) with --perf-basic-prof, records it and its parser processes
 * with Linux perf (cpu-clock: only on-CPU time is sampled, kernel included, so a thread that
 * waits on a busy machine is not charged) while smtp-source sends the 28 KB multipart sample,
 * and prints the top symbols per process kind. --cpu-prof (profile-ingest.ts) samples wall
 * time: on a loaded machine it charges a thread's descheduled time to whatever it was doing.
 *
 *   npm run build && node --import tsx bench/perf-ingest.ts [messages=3000] [top=40] [-g]
 *
 * With -g it records call graphs too (perf report --children -i <data> then shows inclusive time).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateMailbox, startService } from './lib/service.js';
import { makeMimeSample, smtpLoad } from './lib/smtp-load.js';

const messages = Number(process.argv[2] ?? 3000);
const top = Number(process.argv[3] ?? 40);
const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-perf-'));
const sample = path.join(dir, 'sample.eml');
makeMimeSample(sample);
try {
  execFileSync('perf', ['--version'], { stdio: 'ignore' });
} catch {
  console.log('perf is not installed: skipped');
  process.exit(0);
}
const callGraph = process.argv.includes('-g');
const svc = await startService({}, ['--perf-basic-prof', ...(callGraph ? ['--interpreted-frames-native-stack'] : [])]);
const data = path.join(dir, 'perf.data');
try {
  const box = await generateMailbox(svc);
  await smtpLoad(svc.smtpPort, box.email, 300, sample, 16); // warm-up: parser processes started
  const children = execFileSync('pgrep', ['-P', String(svc.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  const pids = [String(svc.pid), ...children];
  const perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '1999', ...(callGraph ? ['-g'] : []), '-o', data, '-p', pids.join(',')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const res = await smtpLoad(svc.smtpPort, box.email, messages, sample, 16, 300, svc.pid);
  perf.kill('SIGINT');
  await new Promise((r) => perf.once('exit', r));
  console.log(`${messages} messages, ${res.msgPerSec} msg/s, CPU ms/msg from /proc: ${JSON.stringify(res.cpuMsPerMsg)}`);
  const kinds = new Map(pids.map((p, i) => [p, i === 0 ? 'service' : 'parser']));
  const report = execFileSync('perf', ['report', '-i', data, '--no-children', '--sort', 'pid,sym', '--stdio', '--percent-limit', '0.3'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  writeFileSync(path.join(dir, 'report.txt'), report);
  const lines = report.split('\n').filter((l) => /^\s+\d/.test(l));
  for (const kind of ['service', 'parser']) {
    console.log(`\n${kind}:`);
    lines.filter((l) => [...kinds].some(([p, k]) => k === kind && l.includes(`${p}:`))).slice(0, top).forEach((l) => console.log(l.slice(0, 200)));
  }
  console.log(`(perf data and report in ${dir})`);
} finally {
  await svc.stop();
}
