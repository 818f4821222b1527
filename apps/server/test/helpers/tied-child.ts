/**
 * Child processes tied to the test process that starts them: they end when it ends, however it
 * ends (a file timed out by the runner, a crash, kill -9), so a failed run leaves no server
 * listening. Node children load exit-with-parent.mjs (stdin pipe EOF, owner and parent watch);
 * other programs get the kernel's parent-death signal through setpriv where it exists.
 * scripts/reap-test-orphans.mjs finds what an older run left anyway, by the owner mark.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The preload, as a path (node's --import takes a path or a file: URL). */
export const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.mjs', import.meta.url));

/** The environment mark that arms the preload and lets the orphan sweep find our children. */
export const OWNER_ENV = 'TEMPMAIL_TEST_OWNER_PID';

/** `env` with the owner mark: this process. */
export function tiedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [OWNER_ENV]: String(process.pid) };
}

/** NODE_OPTIONS that load the preload in every node process below (for npx-started programs). */
export function tiedNodeOptions(existing = ''): string {
  return `${existing} --import=${EXIT_WITH_PARENT}`.trim();
}

/** Keeps our end of the child's stdin open and quiet: its EOF is the child's signal to leave. */
function holdStdin(child: ChildProcess): void {
  child.stdin?.on('error', () => { /* the child went first; nothing to tell it */ });
}

/**
 * `node <args>` with the preload, stdin a pipe from us, the owner mark in its environment.
 * `stdio` gives stdout and stderr only (stdin is always the tie).
 */
export function spawnTiedNode(
  args: string[],
  options: Omit<SpawnOptions, 'stdio'> & { stdio?: ['pipe' | 'ignore' | 'inherit', 'pipe' | 'ignore' | 'inherit'] } = {},
): ChildProcess {
  const [out, err] = options.stdio ?? ['pipe', 'pipe'];
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, ...args], {
    ...options,
    env: tiedEnv(options.env ?? process.env),
    stdio: ['pipe', out, err],
  });
  holdStdin(child);
  return child;
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * A non-node program that gets SIGKILL from the kernel when this process dies (PR_SET_PDEATHSIG
 * via util-linux setpriv, which then execs the program: same pid). Without setpriv it is
 * started plainly and only the orphan sweep would find it.
 */
export function spawnTiedProgram(program: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const env = tiedEnv(options.env ?? process.env);
  if (!SETPRIV) return spawn(program, args, { ...options, env });
  return spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', program, ...args], { ...options, env });
}

const CLEANUP_GUARD = fileURLToPath(new URL('./cleanup-guard.mjs', import.meta.url));

export interface CleanupGuard {
  /** The owner cleaned up itself: the guard goes without running anything. */
  dismiss(): void;
}

/**
 * A tied process that runs `commands` and removes `remove` if this process dies before calling
 * dismiss(): for daemons that outlive their starter (pg_ctl start detaches the postmaster).
 */
export function spawnCleanupGuard(commands: string[][], remove: string[] = []): CleanupGuard {
  const guard = spawnTiedNode([CLEANUP_GUARD, JSON.stringify({ commands, remove })], { stdio: ['ignore', 'ignore'] });
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    dismiss() {
      if (guard.exitCode === null && guard.signalCode === null) guard.kill('SIGKILL');
    },
  };
}
