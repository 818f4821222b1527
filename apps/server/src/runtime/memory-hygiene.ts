/**
 * Plaintext hygiene for the process's own memory (docs/encryption.md, "Plaintext in memory").
 *
 * Decrypted text passes through JavaScript strings and Buffers that cannot be zeroed; once
 * unreferenced they are garbage whose bytes stay until V8 or malloc reuses the memory, which on
 * a quiet node may be never. Three measures bound that:
 * - Node's Buffer pool is off: a small Buffer (an associated-data string, a JSON summary about to
 *   be sealed) otherwise shares an 8 KB slab with its neighbours, and one long-lived slice keeps
 *   the whole slab, and the plaintext in it, alive.
 * - V8 clears the memory it frees (`--clear-free-memory`), so a collected string is gone, not
 *   merely unreferenced.
 * - After a mailbox's plaintext is dropped (deleted, swept, gone on another node), a full
 *   collection runs within `delayMs` (one for any number of drops in that time), so its garbage
 *   is collected, and cleared, then rather than whenever V8 next needs the room.
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

/** Turns off the Buffer pool and makes V8 clear freed memory; call once, first thing. */
export function hardenProcessMemory(): void {
  Buffer.poolSize = 0;
  v8.setFlagsFromString('--clear-free-memory');
}

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's most thorough collection, obtained without starting node with --expose-gc: 'last-resort'
 * collects several times over, so garbage that one collection only unlinks (the backing store of
 * a Buffer, whose owner dies in the first pass) is freed too, as a heap snapshot's collection does.
 */
function fullGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as GcFunction;
  v8.setFlagsFromString('--no-expose-gc');
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export class PlaintextScrubber {
  private timer: NodeJS.Timeout | null = null;
  private readonly gc: (() => void) | null;
  private readonly listeners: Array<(info: { ms: number; tookMs: number }) => void> = [];

  /** `delayMs` 0: never collects on its own (V8 decides, as without it). */
  constructor(private readonly delayMs: number) {
    this.gc = delayMs > 0 ? fullGc() : null;
  }

  /** Plaintext was dropped: collect within `delayMs`. */
  request(): void {
    if (!this.gc || this.timer) return;
    this.timer = globalThis.setTimeout(() => void this.run(), this.delayMs);
    this.timer.unref();
  }

  /** Called after each scrub with the time its collections held the event loop and its whole duration (logs, tests). */
  onScrubbed(listener: (info: { ms: number; tookMs: number }) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    const started = performance.now();
    let paused = 0;
    for (let pass = 0; pass < PASSES; pass++) {
      if (pass > 0) await setTimeout(PASS_GAP_MS);
      const at = performance.now();
      this.gc!();
      paused += performance.now() - at;
    }
    this.timer = null;
    const info = { ms: Math.round(paused), tookMs: Math.round(performance.now() - started) };
    for (const l of this.listeners) l(info);
  }
}
