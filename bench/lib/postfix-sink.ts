/**
 * A reference point outside Node: Postfix's `smtp-sink` (C, from the same Debian package as
 * `smtp-source`), which accepts every message and discards it. The issue measured it beside the
 * bare smtp-server sink, so running it here tells how this machine compares with that one.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { spawnTiedProgram } from '../../apps/server/test/helpers/tied-child.js';
import { type ReferenceServer, freePort, whenListening } from './util.js';

/** The path of smtp-sink, or null when it is not installed. */
export function postfixSinkPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v smtp-sink || ls /usr/sbin/smtp-sink'], { encoding: 'utf8' }).trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

export async function startPostfixSink(bin: string): Promise<ReferenceServer> {
  const port = await freePort();
  // As root it must drop privileges (-u); 256 is the listen backlog.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), `127.0.0.1:${port}`, '256'];
  const child: ChildProcess = spawnTiedProgram(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return whenListening(child, port, 'smtp-sink', 10_000);
}
