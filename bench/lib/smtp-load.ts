/**
 * SMTP load with Postfix's smtp-source through the project's shared script
 * (../shared/tools/smtp-ingest.sh): 16 sessions reusing their connections (`-d`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { INGEST_SCRIPT, MAKE_MIME, cpuTimes } from './util.js';

export interface LoadResult {
  msgPerSec: number;
  seconds: number;
  /** smtp-source complaints (rejections, timeouts); a clean run has none. */
  warnings: string[];
  /**
   * Server CPU per message, when its pid was given: all its processes and threads, its main
   * thread, and its child processes (the parsers); the rest of the total is its other threads.
   */
  cpuMsPerMsg?: { total: number; main: number; children: number };
}

/** Why SMTP load cannot run here, or null when it can. */
export function smtpLoadUnavailable(): string | null {
  if (!existsSync(INGEST_SCRIPT)) return `${INGEST_SCRIPT} is missing (the shared tools live at ../shared)`;
  try {
    execFileSync('sh', ['-c', 'command -v smtp-source'], { stdio: 'ignore' });
  } catch {
    return 'smtp-source is not installed (bash scripts/ensure-deps.sh installs postfix for it)';
  }
  return null;
}

/** Writes the ~28 KB multipart sample with the shared generator. */
export function makeMimeSample(file: string): void {
  execFileSync(process.execPath, [MAKE_MIME, file]);
}

/**
 * Sends `messages` messages to `to` at 127.0.0.1:port. `body` is a byte count (plain text) or a
 * message file. Resolves with the script's msg/s (wall clock of smtp-source).
 */
export function smtpLoad(port: number, to: string, messages: number, body: number | string, sessions = 16, timeoutSec = 300, serverPid?: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpu0 = serverPid ? cpuTimes(serverPid) : null;
    const child = spawn('bash', [INGEST_SCRIPT, '127.0.0.1', String(port), String(sessions), String(messages), String(body), '-d'], {
      env: { ...process.env, TO: to, TIMEOUT: String(timeoutSec) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const last = out.trim().split('\n').pop() ?? '';
      const warnings = err.trim() ? [...new Set(err.trim().split('\n'))].slice(0, 5) : [];
      if (code !== 0 || !/^\d+$/.test(last)) {
        reject(new Error(`smtp-ingest.sh exited ${code}: ${(err || out).trim().slice(0, 500)}`));
        return;
      }
      const cpu1 = serverPid ? cpuTimes(serverPid) : null;
      const cpuMsPerMsg = cpu0 && cpu1
        ? { total: perMessage(cpu1.totalMs - cpu0.totalMs, messages), main: perMessage(cpu1.mainMs - cpu0.mainMs, messages), children: perMessage(cpu1.childrenMs - cpu0.childrenMs, messages) }
        : undefined;
      resolve({ msgPerSec: Number(last), seconds, warnings, cpuMsPerMsg });
    });
  });
}

const perMessage = (ms: number, messages: number): number => Math.round((ms / messages) * 1000) / 1000;

/** Ends a process we started and its descendants (bash -> timeout -> smtp-source), each by its id. */
export function killTree(pid: number): void {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch { /* no children */ }
  for (const c of children) killTree(c);
  try {
    process.kill(pid, 'SIGTERM');
  } catch { /* already gone */ }
}

/** Background load until stopped. */
export function backgroundLoad(port: number, to: string, body: number | string, sessions = 16): { stop(): Promise<void>; child: ChildProcess } {
  const child = spawn('bash', [INGEST_SCRIPT, '127.0.0.1', String(port), String(sessions), '1000000', String(body), '-d'], {
    env: { ...process.env, TO: to, TIMEOUT: '900' }, stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) killTree(child.pid);
      await exited;
    },
  };
}
