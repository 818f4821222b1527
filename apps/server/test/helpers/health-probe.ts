/**
 * Polls /healthz in a loop while an attack runs. Tests assert that it kept answering 200 (the
 * event loop was not held); how fast it answered is printed, and measured by `npm run bench`,
 * never a test verdict (a busy machine would fail it).
 */
export interface HealthProbe {
  /** Stops polling; the slowest answer (ms), answers counted, and answers that were not 200. */
  stop(): Promise<{ max: number; count: number; failed: number }>;
  /** Resolves once `n` answers more than when it was called have come back. */
  answered(n: number): Promise<void>;
}

export function probeHealth(url: string, pauseMs = 20): HealthProbe {
  let running = true;
  let max = 0;
  let count = 0;
  let failed = 0;
  const waiters: Array<{ at: number; wake: () => void }> = [];
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      const ok = await fetch(`${url}/healthz`).then(async (r) => { await r.arrayBuffer(); return r.status === 200; }, () => false);
      max = Math.max(max, performance.now() - t);
      count++;
      if (!ok) failed++;
      for (const w of waiters.filter((x) => count >= x.at)) { waiters.splice(waiters.indexOf(w), 1); w.wake(); }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return {
    stop: async () => { running = false; await loop; for (const w of waiters.splice(0)) w.wake(); return { max, count, failed }; },
    answered: (n) => new Promise<void>((wake) => { waiters.push({ at: count + n, wake }); }),
  };
}
