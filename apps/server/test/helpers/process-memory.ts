/** Resident memory of a process, read from /proc (Linux): what an attack test bounds. */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in MB, or null where /proc cannot be read. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
