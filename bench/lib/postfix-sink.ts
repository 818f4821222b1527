/**
 * A reference point outside Node: Postfix's `smtp-sink` (C, from the same Debian package as
 * `smtp-source`), which accepts every message and discards it. The issue measured it beside the
 * bare smtp-server sink, so running it here tells how this machine compares with that one.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { spawnTiedProgram } from '../../apps/server/test/helpers/tied-child.js';
import { freePort, sleep } from './util.js';

/** The path of smtp-sink, or null when it is not installed. */
export function postfixSinkPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v smtp-sink || ls /usr/sbin/smtp-sink'], { encoding: 'utf8' }).trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

export async function startPostfixSink(bin: string): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  // As root it must drop privileges (-u); 256 is the listen backlog.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '256'];
  const child: ChildProcess = spawnTiedProgram(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited ${child.exitCode}: ${err.trim()}`);
    if (await listening(port)) break;
    if (Date.now() > deadline) throw new Error(`smtp-sink did not listen on ${port}: ${err.trim()}`);
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
