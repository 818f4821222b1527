/**
 * A tied guard (spawned by tied-child.ts's spawnCleanupGuard, preloaded with exit-with-parent.mjs)
 * for things that cannot be tied themselves, like a daemonised PostgreSQL: it waits, and when its
 * owner dies (the preload then sends it SIGTERM) it runs the cleanup commands given as a JSON
 * argument ([[program, ...args], ...]) and removes the listed folders. An owner that cleans up
 * normally kills the guard with SIGKILL, so nothing runs twice.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const { commands = [], remove = [] } = JSON.parse(process.argv[2] ?? '{}');
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  for (const [program, ...args] of commands) {
    try {
      execFileSync(program, args, { stdio: 'ignore', timeout: 60_000 });
    } catch { /* best effort: the next run's orphan sweep is the fallback */ }
  }
  for (const dir of remove) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
