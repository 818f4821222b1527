/**
 * The service under test: the built server (`node apps/server/dist/cli.js serve`) as a child
 * process with a temporary DATA_DIR, exactly as `npm start` runs it.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnTiedNode } from '../../apps/server/test/helpers/tied-child.js';
import { CLI as BUILT_CLI, REPO_ROOT, freePort, rssOf, sleep } from './util.js';

/** The server under test; BENCH_SERVER_CLI points at another build (A/B comparisons). */
const cli = () => process.env.BENCH_SERVER_CLI || BUILT_CLI;

const run = promisify(execFile);

export interface Service {
  httpUrl: string;
  smtpPort: number;
  pid: number;
  env: Record<string, string>;
  child: ChildProcess;
  rss(): number;
  logs(): string;
  stop(): Promise<void>;
}

export interface Mailbox {
  email: string;
  token: string;
}

/** The environment every bench server gets (limits off or far away so they do not shape the numbers). */
export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TEMPMAIL_ANON_RATE: '0',
    TEMPMAIL_MAX_MESSAGES_PER_MAILBOX: '0',
    TEMPMAIL_MAX_MAILBOX_BYTES: '0',
    TEMPMAIL_SMTP_MAX_MESSAGES_PER_SESSION: '1000000',
    TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: '1000',
    // 10,000 WebSockets from one address, plus the bench's HTTP clients: above both defaults.
    TEMPMAIL_HTTP_MAX_CONNECTIONS_PER_IP: '30000',
    TEMPMAIL_HTTP_MAX_CONNECTIONS: '30000',
    TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    TEMPMAIL_MIN_FREE_DISK_BYTES: '0',
    // No resolver is reachable here: the checks' cost is measured on its own, with a loopback DNS
    // server (lib/auth-ab.ts: on vs off in the same run).
    TEMPMAIL_AUTH_CHECKS: 'off',
    ...extra,
  };
}

/** Starts the server; `extraArgs` go to node (e.g. --cpu-prof). Throws with its stderr when it fails. */
export async function startService(extra: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Service> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tempmail-bench-'));
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const env = benchEnv({ ...extra, DATA_DIR: dataDir, PORT: String(httpPort), SMTP_PORT: String(smtpPort) });
  // Tied to this process: a bench killed midway (the smoke test's timeout) leaves no server behind.
  const child = spawnTiedNode([...nodeArgs, cli(), 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-20_000); });
  let stopping = false;
  const exited = new Promise<void>((r) => child.once('exit', (code, signal) => {
    // Say so at once when the server goes away under the bench (a crash, or a signal from elsewhere).
    if (!stopping) process.stderr.write(`[bench] the server exited unexpectedly (code ${code}, signal ${signal}); its last log lines:\n${stderr.trim().split('\n').slice(-5).join('\n')}\n`);
    r();
  }));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const cleanup = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keyring`, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      stopping = true;
      cleanup();
      throw new Error(`server exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    try {
      if ((await fetch(`${httpUrl}/readyz`)).status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      stopping = true;
      child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`server not ready after 30 s: ${stderr}`);
    }
    await sleep(50);
  }
  return {
    httpUrl, smtpPort, pid: child.pid!, env, child,
    rss: () => rssOf(child.pid!),
    logs: () => stderr,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(t);
      }
      cleanup();
    },
  };
}

/** A new anonymous mailbox with a long TTL. */
export async function generateMailbox(svc: Pick<Service, 'httpUrl'>, ttlSeconds = 86_400): Promise<Mailbox> {
  const res = await fetch(`${svc.httpUrl}/api/generate_email.php?ttl=${ttlSeconds}`);
  if (res.status !== 200) throw new Error(`generate_email.php answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { email: string; token: string };
  return { email: body.email, token: body.token };
}

/** `tempmail keys create --plan premium --json` against the service's DATA_DIR. */
export async function createKey(svc: Pick<Service, 'env'>, plan: 'free' | 'premium' = 'premium'): Promise<string> {
  const { stdout } = await run(process.execPath, [cli(), 'keys', 'create', '--plan', plan, '--json'], { env: svc.env });
  return (JSON.parse(stdout) as { key: string }).key;
}

export function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}
