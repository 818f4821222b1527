/**
 * Lowers the CPU priority of the calling thread only. On Linux a nice value belongs to a thread
 * (setpriority with a thread id), so a worker thread can yield to its process's main thread;
 * os.setPriority takes that id where it takes a pid. Elsewhere (no /proc/thread-self) nothing
 * changes.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The calling thread's kernel id (/proc/thread-self -> "PID/task/TID"), or null where there is none. */
export function currentThreadId(): number | null {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Sets this thread's niceness (0 normal .. 19 lowest); true when it took effect. */
export function lowerThreadPriority(niceness: number): boolean {
  if (niceness <= 0) return false;
  const tid = currentThreadId();
  if (tid === null) return false;
  try {
    setPriority(tid, niceness);
    return true;
  } catch {
    return false; // not permitted here: the checks still run, at the normal priority
  }
}
