/**
 * Where the CPU of multipart ingest goes: runs the built service (or BENCH_SERVER_CLI) with
 * --cpu-prof (its parser processes inherit the flag), sends the 28 KB multipart sample with smtp-source, and
 * prints CPU ms per message by component, from the profiles' samples.
 *
 *   npm run build && node --import tsx bench/profile-ingest.ts [messages=3000]
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateMailbox, startService } from './lib/service.js';
import { makeMimeSample, smtpLoad } from './lib/smtp-load.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** The component a stack frame belongs to, from its script URL and function name. */
function component(url: string, fn: string): string | null {
  if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return null;
  if (fn === '(garbage collector)') return 'GC';
  const rules: Array<[RegExp, string]> = [
    [/\/extract\//, 'extract/ (OTP and link)'],
    [/postal-mime-patches\//, 'postal-mime patches'],
    [/postal-mime\//, 'postal-mime'],
    [/ingest\/parser\/|ingest\/html-to-text/, 'ingest/parser (own code)'],
    [/ingest\//, 'ingest pipeline'],
    [/crypto\//, 'crypto (sealing)'],
    [/adapters\/sqlite|better-sqlite3/, 'SQLite adapter and writer'],
    [/smtp-server|nodemailer|smtp\//, 'SMTP (smtp-server + smtp/)'],
    [/node_modules\//, 'other libraries'],
    [/apps\/server\/dist\//, 'other service code'],
    [/^node:|^$/, 'Node internals (IPC, streams, buffers, native)'],
  ];
  for (const [re, name] of rules) if (re.test(url)) return name;
  return 'other';
}

/** CPU ms by component in one profile, each sample charged to its innermost frame that has a component. */
function byComponent(profile: Profile): Map<string, number> {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string | null>();
  const owner = (id: number): string | null => {
    if (memo.has(id)) return memo.get(id)!;
    const n = byId.get(id)!;
    let c = component(n.callFrame.url, n.callFrame.functionName);
    // Native or Node-internal frames are charged to the component that called them.
    if (c === 'Node internals (IPC, streams, buffers, native)' || c === 'other') {
      const up = parent.get(id);
      const above = up === undefined ? null : owner(up);
      if (above && above !== 'Node internals (IPC, streams, buffers, native)' && above !== 'other') c = above;
    }
    memo.set(id, c);
    return c;
  };
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const c = owner(id);
    if (c) out.set(c, (out.get(c) ?? 0) + profile.timeDeltas[i]! / 1000);
  });
  return out;
}

const messages = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-prof-'));
const sample = path.join(dir, 'sample.eml');
makeMimeSample(sample);
const svc = await startService({}, ['--cpu-prof', `--cpu-prof-dir=${dir}/prof`]);
let cpuPerMessage = NaN;
try {
  const box = await generateMailbox(svc);
  await smtpLoad(svc.smtpPort, box.email, 200, sample, 16); // warm-up
  const res = await smtpLoad(svc.smtpPort, box.email, messages, sample, 16, 300, svc.pid);
  cpuPerMessage = res.cpuMsPerMsg?.total ?? NaN;
  console.log(`${messages} messages, ${res.msgPerSec} msg/s, CPU per message (all processes, from /proc): ${JSON.stringify(res.cpuMsPerMsg)} ms`);
} finally {
  await svc.stop();
}

// Profile files are CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
const kinds = new Map<string, Map<string, number>>();
for (const f of readdirSync(`${dir}/prof`)) {
  const [, , , pid, thread] = f.split('.');
  const kind = Number(pid) !== svc.pid ? 'parser processes' : thread === '0' ? 'service main thread' : 'service worker threads (SQLite writer)';
  const acc = kinds.get(kind) ?? new Map<string, number>();
  for (const [k, v] of byComponent(JSON.parse(readFileSync(`${dir}/prof/${f}`, 'utf8')) as Profile)) acc.set(k, (acc.get(k) ?? 0) + v);
  kinds.set(kind, acc);
}
// Sampled time is wall time while a thread runs JavaScript or native code; shares of it are
// scaled to the CPU per message measured from /proc (a busy machine inflates both alike).
const all = [...kinds.values()].flatMap((m) => [...m.values()]).reduce((a, b) => a + b, 0);
const overall = new Map<string, number>();
for (const [kind, parts] of kinds) {
  const sum = [...parts.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${kind}: ${((100 * sum) / all).toFixed(1)} % of the samples, ~${((cpuPerMessage * sum) / all).toFixed(3)} ms/msg`);
  for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1])) {
    overall.set(k, (overall.get(k) ?? 0) + v);
    console.log(`  ${((100 * v) / all).toFixed(1).padStart(5)} %  ~${((cpuPerMessage * v) / all).toFixed(3)} ms  ${k}`);
  }
}
console.log('\nall processes, by component:');
for (const [k, v] of [...overall].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * v) / all).toFixed(1).padStart(5)} %  ~${((cpuPerMessage * v) / all).toFixed(3)} ms  ${k}`);
console.log(`(profiles in ${dir}/prof)`);
