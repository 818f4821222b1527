/** Memory of a process, read from /proc (Linux): what an attack test bounds and a canary scan reads. */
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/** VmRSS of `pid` in MB, or null where /proc cannot be read. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The ids of `pid`'s child processes (its parser processes), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** True where this process may read another one's memory (Linux, ptrace rights: root or the same user with ptrace_scope 0). */
export function canReadMemory(pid: number): boolean {
  try {
    closeSync(openSync(`/proc/${pid}/mem`, 'r'));
    return true;
  } catch {
    return false;
  }
}

export interface MemoryHit {
  /** The needle's encoding that matched. */
  encoding: 'utf8' | 'utf16le';
  address: string;
  /** The mapping it lies in, as /proc/PID/maps names it (a path, [heap], [stack] or '' for anonymous memory). */
  region: string;
}

/**
 * Every place in `pid`'s readable memory where one of `needles` occurs, as UTF-8 (also Latin-1
 * for ASCII) or UTF-16LE (V8 keeps some strings two bytes a character). Reads /proc/PID/maps and
 * /proc/PID/mem region by region, in chunks that overlap by the needle length.
 */
export function scanMemory(pid: number, needles: string[]): MemoryHit[] {
  const patterns = needles.flatMap((n) => [
    { encoding: 'utf8' as const, bytes: Buffer.from(n, 'utf8') },
    { encoding: 'utf16le' as const, bytes: Buffer.from(n, 'utf16le') },
  ]);
  const longest = Math.max(...patterns.map((p) => p.bytes.length));
  const hits = new Map<string, MemoryHit>(); // by address: chunks overlap
  const chunk = Buffer.alloc(4 << 20);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (!m || m[3]![0] !== 'r' || m[4] === '[vvar]' || m[4] === '[vsyscall]' || m[4] === '[vvar_vclock]') continue;
      const start = BigInt(`0x${m[1]}`);
      const end = BigInt(`0x${m[2]}`);
      for (let at = start; at < end; at += BigInt(chunk.length - longest)) {
        const want = Number(end - at < BigInt(chunk.length) ? end - at : BigInt(chunk.length));
        let got = 0;
        try {
          got = readSync(fd, chunk, 0, want, at);
        } catch {
          break; // a region that cannot be read (guard pages, device memory)
        }
        const view = chunk.subarray(0, got);
        for (const p of patterns) {
          for (let i = view.indexOf(p.bytes); i !== -1; i = view.indexOf(p.bytes, i + 1)) {
            const address = `0x${(at + BigInt(i)).toString(16)}`;
            hits.set(address, { encoding: p.encoding, address, region: m[4]! });
          }
        }
        if (got < want || end - at <= BigInt(chunk.length)) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return [...hits.values()];
}
