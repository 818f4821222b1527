/**
 * A reference point the issue names: MailDev 3 (a dev dependency, pinned), started as its own
 * process the way it is usually run (messages kept in memory, web API on), SMTP on loopback.
 * Skipped with a message where it is not installed.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { spawnTiedNode } from '../../apps/server/test/helpers/tied-child.js';
import { REPO_ROOT, freePort, sleep } from './util.js';

const BIN = path.join(REPO_ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');

/** The MailDev entry point, or null when it is not installed. */
export function maildevPath(): string | null {
  return existsSync(BIN) ? BIN : null;
}

export async function startMaildev(bin: string): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const web = await freePort();
  // --max-emails bounds its memory across the runs (it keeps every message otherwise).
  const args = [bin, '--smtp', String(port), '--ip', '127.0.0.1', '--web', String(web), '--web-ip', '127.0.0.1', '--max-emails', '1000'];
  const child: ChildProcess = spawnTiedNode(args, { stdio: ['ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`MailDev exited ${child.exitCode}: ${err.trim()}`);
    if (await listening(port)) break;
    if (Date.now() > deadline) throw new Error(`MailDev did not listen on ${port}: ${err.trim()}`);
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
