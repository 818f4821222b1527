/**
 * Plaintext hygiene for the process's own memory (docs/encryption.md, "Plaintext in memory").
 *
 * Decrypted text passes through JavaScript strings and Buffers that cannot be zeroed; once
 * unreferenced they are garbage whose bytes stay until V8 or malloc reuses the memory, which on
 * a quiet node may be never. Three measures bound that:
 * - Node's Buffer pool is off: a small Buffer (an associated-data string, a JSON summary about to
 *   be sealed) otherwise shares an 8 KB slab with its neighbours, and one long-lived slice keeps
 *   the whole slab, and the plaintext in it, alive.
 * - V8 clears the young generation's free half after each collection (`--clear-free-memory`).
 * - After a mailbox's plaintext is dropped (deleted, swept, gone on another node), full
 *   collections that also evacuate old-generation pages run within `delayMs` (one scrub for any
 *   number of drops in that time), so its garbage is collected then, and the pages it lay on are
 *   released, rather than whenever V8 next needs the room (see thoroughGc for what is cleared).
 * Memory that malloc frees (socket and write buffers inside Node) is cleared only with glibc's
 * perturb tunable (docs/encryption.md shows the GLIBC_TUNABLES line); parser processes are
 * replaced instead (ingest/parser/pool.ts, maxAgeMs).
 */
import v8 from 'node:v8';
import { setTimeout } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';

/**
 * Collections per scrub, a task apart: native objects (a closed IPC channel's buffers, socket
 * wrappers) are released by weak callbacks that run as tasks after a collection, and what they
 * held is garbage only for the next one.
 */
const PASSES = 3;
const PASS_GAP_MS = 20;

/** Turns off the Buffer pool and makes V8 clear the young generation's free memory; call once, first thing. */
export function hardenProcessMemory(): void {
  Buffer.poolSize = 0;
  v8.setFlagsFromString('--clear-free-memory');
}

/**
 * A full collection that also evacuates old-generation pages, obtained without starting node
 * with --expose-gc.
 *
 * - `gc` is called with no argument: given an options object (`{ type: 'major' }`, with or
 *   without `flavor: 'last-resort'`) the V8 of Node 20 (11.3) runs only a scavenge of the young
 *   generation (seen with --trace-gc), which frees nothing older, such as a received IPC buffer.
 * - --clear-free-memory clears only the young generation's unused half after a collection; in
 *   a release build the old generation's sweeper frees dead objects without clearing them, so a
 *   string that lived long enough to be promoted (a cached subject, a parsed header) keeps its
 *   bytes until V8 allocates over them. Memory leaves the old generation cleared only with a
 *   page that is evacuated and released (V8 decommits it), or when a moved object is copied
 *   over it. --stress-compaction makes a full collection evacuate every other old-generation
 *   page, moving its live objects into the others' free space; it is on only for the scrub's own
 *   collections. Measured (docs/encryption.md): three such passes left none of 100,000 dead
 *   strings in a 25 MB heap, three plain full collections 15-40 % of them.
 */
function thoroughGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  return () => {
    v8.setFlagsFromString('--stress-compaction');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-stress-compaction');
    }
  };
}

/** What one scrub did, as logged ("memory scrubbed", debug). */
export interface ScrubInfo {
  /** Time its collections held the event loop, ms. */
  ms: number;
  /** Its whole duration, gaps between passes included, ms. */
  tookMs: number;
  /** When it started (epoch ms): it covers every drop before that moment. */
  startedAt: number;
  /** V8 heap in use after it, MB (a pass copies about half of the old generation's live objects). */
  heapMb: number;
}

export class PlaintextScrubber {
  private timer: NodeJS.Timeout | null = null;
  private readonly gc: (() => void) | null;
  private readonly listeners: Array<(info: ScrubInfo) => void> = [];

  /** `delayMs` 0: never collects on its own (V8 decides, as without it). */
  constructor(private readonly delayMs: number) {
    this.gc = delayMs > 0 ? thoroughGc() : null;
  }

  /** Plaintext was dropped: collect within `delayMs`. */
  request(): void {
    if (!this.gc || this.timer) return;
    this.timer = globalThis.setTimeout(() => void this.run(), this.delayMs);
    this.timer.unref();
  }

  /** Called after each scrub (logs, tests). */
  onScrubbed(listener: (info: ScrubInfo) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    // A drop during the passes below may come after the pass that would have freed it: it arms
    // the next scrub rather than being taken as covered by this one.
    this.timer = null;
    const startedAt = Date.now();
    const started = performance.now();
    let paused = 0;
    for (let pass = 0; pass < PASSES; pass++) {
      if (pass > 0) await setTimeout(PASS_GAP_MS);
      const at = performance.now();
      this.gc!();
      paused += performance.now() - at;
    }
    const info: ScrubInfo = {
      ms: Math.round(paused), tookMs: Math.round(performance.now() - started), startedAt,
      heapMb: Math.round(v8.getHeapStatistics().used_heap_size / (1 << 20)),
    };
    for (const l of this.listeners) l(info);
  }
}
