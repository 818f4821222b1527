/**
 * Test-only preload (`node --import`, see tied-child.ts): the process ends when the test
 * process that started it is gone, however that went (a timed-out test file killed by the
 * runner, a crash, SIGKILL), so no test leaves a server listening behind it.
 *
 * Three signs, any one suffices:
 * - EOF on stdin: a pipe whose only writer is the test process (libuv opens it close-on-exec,
 *   so no other child holds it); the kernel closes it when that process dies, SIGKILL included.
 * - the owner (TEMPMAIL_TEST_OWNER_PID) no longer exists;
 * - our parent changed (we were adopted by init or a subreaper).
 * The last two are polled once a second from /proc, for children whose stdin is not that pipe.
 * Inert unless TEMPMAIL_TEST_OWNER_PID is set, and in worker threads (they inherit --import;
 * their process.stdin is an empty stream of their own, whose end means nothing here).
 * Plain JS: the child runs without tsx.
 */
import { fstatSync, readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const owner = Number(process.env.TEMPMAIL_TEST_OWNER_PID);

/** Our parent's pid as the kernel sees it now (process.ppid is read once at start-up). */
function currentParent() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function ownerAlive() {
  try {
    process.kill(owner, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

if (isMainThread && Number.isInteger(owner) && owner > 0) {
  let leaving = false;
  const leave = (why) => {
    if (leaving) return;
    leaving = true;
    process.stderr.write(`exit-with-parent: ${why}; shutting down\n`);
    // The program's own SIGTERM path first (graceful close), a hard exit if that hangs.
    setTimeout(() => process.exit(1), 10_000).unref();
    process.kill(process.pid, 'SIGTERM');
  };

  let stdinIsPipe = false;
  try {
    const st = fstatSync(0);
    stdinIsPipe = st.isFIFO() || st.isSocket();
  } catch { /* no stdin at all */ }
  if (stdinIsPipe) {
    // Reading keeps the handle active; unref so it never keeps the process alive by itself.
    process.stdin.on('data', () => {});
    process.stdin.once('end', () => leave('stdin closed (the test process is gone)'));
    process.stdin.once('error', () => leave('stdin failed'));
    process.stdin.unref();
  }

  const parentAtStart = currentParent();
  setInterval(() => {
    if (!ownerAlive()) leave(`owner ${owner} is gone`);
    else if (parentAtStart !== null && currentParent() !== parentAtStart) leave('parent changed');
  }, 1000).unref();
}
