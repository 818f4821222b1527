/**
 * For tests about real time (TTLs, rate windows, expiries): a window short enough to keep the
 * test quick can be outrun by a busy machine, and then a check made "inside the window" is made
 * after it. So each attempt measures whether it stayed inside its window; when it did not, the
 * attempt proves nothing and runs again with a window twice as long. Verdicts come only from
 * attempts that stayed inside: slowness makes the test longer, never wrong.
 */
export const INCONCLUSIVE = Symbol('inconclusive: the machine outran the window');

/**
 * Runs `attempt(windowMs)` until it returns anything but INCONCLUSIVE, doubling the window each
 * time; attempts assert as usual. Gives up (throws) past `maxMs`, which only a stalled machine reaches.
 */
export async function withGrowingWindow(firstMs: number, attempt: (windowMs: number) => Promise<unknown>, maxMs = 120_000): Promise<void> {
  for (let windowMs = firstMs; windowMs <= maxMs; windowMs *= 2) {
    if ((await attempt(windowMs)) !== INCONCLUSIVE) return;
  }
  throw new Error(`every window up to ${maxMs} ms was outrun; the machine is stalled`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
