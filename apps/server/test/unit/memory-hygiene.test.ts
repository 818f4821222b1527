/**
 * PlaintextScrubber: a scrub is a full collection. Node 20's V8 runs only a scavenge when its gc
 * function is given an options object, which left every promoted object (a received IPC buffer
 * with a whole parsed message in it) alive through any number of scrubs; this pins that down.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { PlaintextScrubber, type ScrubInfo } from '../../src/runtime/memory-hygiene.js';

/** A scrubber and a way to run one scrub and wait for it. */
function scrubberUnderTest(): { scrub: () => Promise<ScrubInfo>; close: () => void } {
  const scrubber = new PlaintextScrubber(1);
  let waiting: ((info: ScrubInfo) => void) | null = null;
  scrubber.onScrubbed((info) => waiting?.(info));
  return {
    scrub: () => new Promise<ScrubInfo>((resolve) => {
      // the scrub's timer does not keep a process alive (unref'd, as a server's should be): this does
      const alive = setInterval(() => {}, 1000);
      waiting = (info) => {
        clearInterval(alive);
        resolve(info);
      };
      scrubber.request();
    }),
    close: () => scrubber.close(),
  };
}

describe('PlaintextScrubber', () => {
  it('collects garbage of the old generation (a full collection, not a scavenge)', async () => {
    const { scrub, close } = scrubberUnderTest();
    let held: { secret: string } | null = { secret: `canary ${Math.random()}` };
    const ref = new WeakRef(held);
    await scrub(); // survived full collections while referenced: in the old generation now
    assert.ok(ref.deref(), 'still referenced, so still there');
    held = null;
    await setImmediate(); // a WeakRef's target is kept until the end of the job that made or read it
    await scrub();
    assert.equal(ref.deref(), undefined, 'an unreferenced old-generation object outlived the scrub');
    close();
  });

  it('reports when it started and what it held the event loop for', async () => {
    const { scrub, close } = scrubberUnderTest();
    const before = Date.now();
    const info = await scrub();
    assert.ok(info.startedAt >= before, 'startedAt is the scrub\'s own start, after the request');
    assert.ok(info.ms >= 0 && info.tookMs >= info.ms && info.heapMb > 0);
    close();
  });

  it('with a delay of 0 never collects on its own', () => {
    const scrubber = new PlaintextScrubber(0);
    let ran = false;
    scrubber.onScrubbed(() => { ran = true; });
    scrubber.request();
    assert.equal(ran, false);
    scrubber.close();
  });
});
