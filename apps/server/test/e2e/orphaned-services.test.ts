/**
 * Nothing a test starts outlives the test process (issue 16: a test file timed out by the runner
 * left its servers listening). A stand-in test process (helpers/service-owner.ts) starts a
 * service, its own Redis and its own PostgreSQL with the ordinary helpers; it is then killed the
 * way a test process can die (kill -9; SIGTERM as the runner's timeout sends), and every port it
 * had opened must close and every process exit. The waits are event-driven with generous limits.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it, type TestContext } from 'node:test';
import { skipOrFail } from '../contract/services.js';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { REPO_ROOT, SERVER_ROOT, startService } from '../helpers/service.js';
import { OWNER_ENV } from '../helpers/tied-child.js';

const OWNER = path.join(SERVER_ROOT, 'test/helpers/service-owner.ts');
const run = promisify(execFile);

interface Started { ports: number[]; pid?: number; dataDir?: string; unavailable?: string }
interface OwnerReport { pid: number; service?: Started; redis?: Started; postgres?: Started }

/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Whether pid exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts the stand-in with `what`, and waits for its report line. */
async function startOwner(what: string[]) {
  const owner = spawn(process.execPath, ['--import', 'tsx', OWNER, ...what], { cwd: SERVER_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  owner.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => owner.once('exit', () => resolve()));
  const report = await new Promise<OwnerReport>((resolve, reject) => {
    let out = '';
    owner.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as OwnerReport);
    });
    owner.once('exit', (code, signal) => reject(new Error(`the stand-in exited (${code ?? signal}) before reporting: ${stderr}`)));
  });
  return { owner, report, exited };
}

/** Kills the stand-in with `signal`, then waits until everything it started is gone. */
async function killAndExpectNothingLeft(t: TestContext, what: string[], signal: NodeJS.Signals) {
  const { owner, report, exited } = await startOwner(what);
  const started = what.map((name) => [name, report[name as keyof OwnerReport] as Started] as const);
  for (const [name, s] of started) {
    if (s.unavailable) return skipOrFail(t, `${name}: ${s.unavailable}`);
  }
  const ports = started.flatMap(([, s]) => s.ports);
  const pids = started.flatMap(([, s]) => (s.pid ? [s.pid] : []));
  try {
    for (const port of ports) assert.equal(await listening(port), true, `port ${port} open before the kill`);
    owner.kill(signal);
    await exited;
    // Ports close and processes end on their own; the limit only stops a broken tie hanging the run.
    await eventually(async () => {
      for (const port of ports) if (await listening(port)) return false;
      return pids.every((pid) => !running(pid));
    }, 120_000, 100);
  } finally {
    // If the tie failed, do not leave the proof of it running either.
    for (const pid of pids) if (running(pid)) process.kill(pid, 'SIGKILL');
    const dataDir = report.service?.dataDir;
    if (dataDir) for (const dir of [dataDir, `${dataDir}-keyring`]) rmSync(dir, { recursive: true, force: true });
  }
}

describe('services started by a test end with the test process', { timeout: 600_000 }, () => {
  it('kill -9 of the test process: the service (HTTP and SMTP ports) shuts down', (t) =>
    killAndExpectNothingLeft(t, ['service'], 'SIGKILL'));

  it('SIGTERM (how the runner ends a timed-out file): the service shuts down', (t) =>
    killAndExpectNothingLeft(t, ['service'], 'SIGTERM'));

  it('kill -9 of the test process: its own Redis and PostgreSQL stop', (t) =>
    killAndExpectNothingLeft(t, ['redis', 'postgres'], 'SIGKILL'));

  it('while the test process lives, the tie does nothing: mail is taken and stored (worker threads included)', async () => {
    // Worker threads inherit --import; a tie that acted in them once shut the service down.
    const svc = await startService();
    try {
      const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body as { email: string; token: string };
      for (let i = 0; i < 3; i++) assert.match((await sendMail(svc.smtpPort, { to: box.email, subject: `kept ${i}` })).response, /^250 /);
      const listed = await eventually(async () => {
        const r = await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`);
        return r.body.length === 3 ? r.body : null;
      });
      assert.equal(listed.length, 3);
      assert.equal((await fetch(`${svc.httpUrl}/readyz`)).status, 200);
      assert.doesNotMatch(svc.logs(), /exit-with-parent/);
    } finally {
      await svc.stop();
    }
  });
});

describe('scripts/reap-test-orphans.mjs (run before the tests by scripts/test.sh)', () => {
  it('ends marked processes whose owner is gone, and leaves those of a live owner alone', async () => {
    // Untied on purpose (no preload): what a run from before the tie, or a failed tie, leaves.
    const idle = (owner: number) => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
      env: { PATH: process.env.PATH ?? '', [OWNER_ENV]: String(owner) }, stdio: 'ignore',
    });
    const goneOwner = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => goneOwner.once('exit', r)); // a pid that existed and is gone now
    const orphan = idle(goneOwner.pid!);
    const ours = idle(process.pid);
    try {
      const orphanEnded = new Promise((r) => orphan.once('exit', r));
      const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/reap-test-orphans.mjs')]);
      assert.match(stdout, new RegExp(`ending pid ${orphan.pid} \\(owner ${goneOwner.pid} is gone\\)`));
      await orphanEnded;
      assert.doesNotMatch(stdout, new RegExp(`pid ${ours.pid} `));
      assert.equal(running(ours.pid!), true, 'a live owner\'s child is not touched');
    } finally {
      for (const p of [orphan, ours]) p.kill('SIGKILL');
    }
  });
});
