/**
 * How eagerly V8 collects the service's old generation.
 *
 * Ingest allocates a few hundred KB of short-lived ArrayBuffers per message (socket reads, the
 * raw message, its copy to a parser process, sealed fields). With V8's default heap growing
 * those count toward a limit computed from a live heap of ~15 MB, so a full mark-compact ran
 * every ~60 messages: about a third of the service's own CPU per message at 600 msg/s (docs/
 * benchmarks.md). A larger growing factor lets the heap (and its buffers) grow further before
 * the next full collection; the live heap stays as small as before.
 *
 * V8 reads this flag each time it recomputes the heap limits, so setting it at start-up takes
 * effect from the next collection on (the one flag of its kind that is safe to set at runtime).
 */
import v8 from 'node:v8';

/** Sets V8's heap growing factor to 1 + percent/100; 0 leaves V8's own dynamic factor. */
export function setHeapGrowing(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.floor(percent)}`);
}
