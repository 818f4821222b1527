/**
 * A reference point the issue names: MailDev 3 (a dev dependency, pinned), started as its own
 * process the way it is usually run (messages kept in memory, web API on), SMTP on loopback.
 * Skipped with a message where it is not installed.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnTiedNode } from '../../apps/server/test/helpers/tied-child.js';
import { REPO_ROOT, type ReferenceServer, freePort, whenListening } from './util.js';

const BIN = path.join(REPO_ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');

/** The MailDev entry point, or null when it is not installed. */
export function maildevPath(): string | null {
  return existsSync(BIN) ? BIN : null;
}

export async function startMaildev(bin: string): Promise<ReferenceServer> {
  const port = await freePort();
  const web = await freePort();
  // --max-emails bounds its memory across the runs (it keeps every message otherwise).
  const args = [bin, '--smtp', String(port), '--ip', '127.0.0.1', '--web', String(web), '--web-ip', '127.0.0.1', '--max-emails', '1000'];
  const child: ChildProcess = spawnTiedNode(args, { stdio: ['ignore', 'pipe'] });
  return whenListening(child, port, 'MailDev', 30_000);
}
