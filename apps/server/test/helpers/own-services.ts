/**
 * A PostgreSQL cluster and a Redis server of the test's own, on free ports, for fault tests
 * that stop, restart and freeze them (the shared services on 5432 and 6379 are never touched).
 * PostgreSQL comes from /usr/lib/postgresql/<newest>/bin; as root it runs as `postgres`
 * (runuser), since it refuses to run as root. Throws ServiceUnavailable when the programs are
 * missing, so callers skip or fail by the usual rule (contract/services.ts). Both are tied to
 * the test process (tied-child.ts): they do not outlive it, whatever ends it.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ServiceUnavailable } from '../contract/services.js';
import { freePort } from './service.js';
import { spawnCleanupGuard, spawnTiedProgram, tiedEnv } from './tied-child.js';

const run = promisify(execFile);

/** Sends `signal` to a process and every descendant of it (found through /proc). */
function signalTree(rootPid: number, signal: NodeJS.Signals): void {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* gone meanwhile */ }
  }
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) pids.push(...(children.get(pids[i]) ?? []));
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch { /* gone meanwhile */ }
  }
}

export interface OwnPostgres {
  url: string;
  port: number;
  /** Fast shutdown: every connection is terminated (57P01), then the server stops. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP (or SIGCONT) to the postmaster and all its processes: connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
  remove(): Promise<void>;
}

function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb'))) : [];
  if (versions.length === 0) throw new ServiceUnavailable('PostgreSQL server programs (initdb, pg_ctl) are not installed under /usr/lib/postgresql');
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

/** Initialises and starts a throw-away cluster (fsync off: the tests are about availability). */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = pgBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const command = (program: string, args: string[]) => asRoot
    ? ['runuser', '-u', 'postgres', '--', path.join(bin, program), ...args]
    : [path.join(bin, program), ...args];
  // The owner mark reaches the postmaster through pg_ctl, so the orphan sweep can find it.
  const pg = (program: string, args: string[]) => {
    const [file, ...rest] = command(program, args);
    return run(file!, rest, { env: tiedEnv(process.env) });
  };
  const port = await freePort();
  const data = path.join(dir, 'data');
  // pg_ctl detaches the postmaster, so a guard stops it if this process dies first.
  const guard = spawnCleanupGuard([command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])], [dir]);
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
  };
  const postmasterPid = () => Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    async stop() {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    },
    freeze: () => signalTree(postmasterPid(), 'SIGSTOP'),
    thaw: () => signalTree(postmasterPid(), 'SIGCONT'),
    async remove() {
      try {
        if (existsSync(path.join(data, 'postmaster.pid'))) signalTree(postmasterPid(), 'SIGCONT');
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      } finally {
        guard.dismiss();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  start(): Promise<void>;
  freeze(): void;
  thaw(): void;
  remove(): Promise<void>;
}

/** Starts a redis-server with no persistence on a free port. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const program = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (!program) throw new ServiceUnavailable('redis-server is not installed');
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawnTiedProgram(program, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.resume();
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    remove: kill,
  };
}
