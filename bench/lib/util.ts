/** Shared bench helpers: paths, options, statistics, child processes, machine facts. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '../shared');
export const CLI = path.join(REPO_ROOT, 'apps/server/dist/cli.js');
export const INGEST_SCRIPT = path.join(SHARED_DIR, 'tools/smtp-ingest.sh');
export const MAKE_MIME = path.join(SHARED_DIR, 'tools/make-mime.mjs');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus/verification');

/** How big a run is. `quick` is the smoke size (npm test); the full size takes a few minutes. */
export interface BenchOptions {
  quick: boolean;
  runs: number;
  /** Messages per ingest run (each payload). */
  ingestMessages: number;
  sessions: number;
  /** Messages per latency measurement. */
  latencyMessages: number;
  /** autocannon seconds per read measurement. */
  readSeconds: number;
  mailboxes: number;
  websockets: number;
  depthLevels: number[];
  extractionIterations: number;
  parseIterations: number;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Sections to run (default all). */
  only: Set<string> | null;
}

export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stat(values: number[]): Stat {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [] };
  const s = [...v].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median: round(median), min: round(s[0]), max: round(s[s.length - 1]), runs: v.map((x) => round(x)) };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : digits);
  return Math.round(x * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (the test helpers' own). */
export { freePort } from '../../apps/server/test/helpers/service.js';

/** Resident set size of a process in bytes (Linux /proc), or NaN. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU time a process has used (all threads, plus its child processes: the parser processes)
 * and its main thread alone, in ms (Linux /proc; NaN elsewhere). CPU per message is steadier
 * than msg/s when other work shares the machine.
 */
export function cpuTimes(pid: number): { totalMs: number; mainMs: number; childrenMs: number } {
  // Fields after "(comm) ": state is [0]; utime [11], stime [12], cutime [13], cstime [14] (ticks of 10 ms).
  const fields = (file: string): number[] | null => {
    try {
      const stat = readFileSync(file, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    } catch {
      return null;
    }
  };
  const own = fields(`/proc/${pid}/stat`);
  const main = fields(`/proc/${pid}/task/${pid}/stat`);
  if (!own || !main) return { totalMs: NaN, mainMs: NaN, childrenMs: NaN };
  // Child processes (the parser processes): the live ones, plus those already ended and reaped.
  let children = (own[13] + own[14]) * 10;
  for (const task of readdirSafe(`/proc/${pid}/task`)) {
    let list = '';
    try {
      list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch { /* not available */ }
    for (const child of list.trim().split(/\s+/).filter(Boolean)) {
      const c = fields(`/proc/${child}/stat`);
      if (c) children += (c[11] + c[12] + c[13] + c[14]) * 10;
    }
  }
  return { totalMs: (own[11] + own[12]) * 10 + children, mainMs: (main[11] + main[12]) * 10, childrenMs: children };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Starts `node --import tsx FILE args` (a bench helper process) and waits for its "listening PORT" line. */
export async function startHelper(file: string, args: string[]): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${path.basename(file)} did not start: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${path.basename(file)} exited ${code}: ${err}`)); });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child, port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Machine facts for the report. */
export function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  let disk = 'unknown';
  try {
    const dev = execFileSync('df', ['--output=source,size,fstype', os.tmpdir()], { encoding: 'utf8' }).trim().split('\n')[1] ?? '';
    const [source, size, fstype] = dev.trim().split(/\s+/);
    const name = path.basename(source ?? '');
    const rota = existsSync(`/sys/block/${name}/queue/rotational`) ? readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim() : '?';
    disk = `${source} ${fstype}, ${Math.round(Number(size) / 1024 / 1024)} GB, ${rota === '0' ? 'non-rotational' : rota === '1' ? 'reports rotational (virtual disk)' : 'unknown type'}`;
  } catch { /* df missing */ }
  return {
    nproc: os.availableParallelism(),
    cpu: cpus[0]?.model ?? 'unknown',
    cpuMHz: cpus[0]?.speed ?? 0,
    ramGB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    disk,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A reference server started by the bench: its SMTP port, its pid, and a stop that waits for its exit. */
export interface ReferenceServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Waits until `child` accepts connections on `port` (failing with its stderr if it exits first
 * or does not listen within `timeoutMs`), then hands it over as a {@link ReferenceServer}.
 */
export async function whenListening(child: ChildProcess, port: number, name: string, timeoutMs: number): Promise<ReferenceServer> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${err.trim()}`);
    if (await listening(port)) break;
    if (Date.now() > deadline) throw new Error(`${name} did not listen on ${port}: ${err.trim()}`);
    await sleep(50);
  }
  return {
    port, pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
