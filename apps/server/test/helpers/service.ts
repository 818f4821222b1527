/**
 * Starts the built server (`node dist/cli.js serve`) as a child process on free ports with a
 * temporary DATA_DIR, and waits for /readyz. Tests talk to it only over real sockets. The child
 * is tied to this test process (tied-child.ts): it shuts down when the test process dies.
 */
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTiedNode } from './tied-child.js';

export const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = path.resolve(SERVER_ROOT, '../..');
export const CLI = path.join(SERVER_ROOT, 'dist/cli.js');

export interface ServiceHandle {
  httpUrl: string;
  httpPort: number;
  smtpPort: number;
  dataDir: string;
  env: Record<string, string>;
  process: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  logs(): string;
  /** SIGTERM and wait for exit (graceful), then remove the data folder unless kept. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL: no chance to flush anything. */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** A fresh temporary directory for DATA_DIR. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tempmail-test-'));
}

/** Starts the service; `env` adds to or overrides the test defaults. */
export async function startService(env: Record<string, string> = {}): Promise<ServiceHandle> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const httpPort = env.PORT ? Number(env.PORT) : await freePort();
  const smtpPort = env.SMTP_PORT ? Number(env.SMTP_PORT) : await freePort();
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TEMPMAIL_ANON_RATE: '0',
    TEMPMAIL_SWEEP_INTERVAL_MS: '200',
    // Sender authentication would ask the machine's resolvers (none here) and change a message's
    // read.php answer a moment after it arrives: off unless a test turns it on (sender-auth tests).
    TEMPMAIL_AUTH_CHECKS: 'off',
    ...env,
    DATA_DIR: dataDir,
    PORT: String(httpPort),
    SMTP_PORT: String(smtpPort),
  };
  const child = spawnTiedNode([CLI, 'serve'], { env: fullEnv });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout!.on('data', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  // Generous: on a busy machine (two test files at once, other suites beside) start-up can be slow.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${httpUrl}/readyz`);
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 120 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const cleanup = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keyring`, { recursive: true, force: true });
  };
  return {
    httpUrl, httpPort, smtpPort, dataDir, env: fullEnv, process: child,
    logs: () => stderr,
    async stop(opts = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.keepData) cleanup();
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
