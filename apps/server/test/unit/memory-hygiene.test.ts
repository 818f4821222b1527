/**
 * PlaintextScrubber: a scrub is a full collection. Node 20's V8 runs only a scavenge when its gc
 * function is given an options object, which left every promoted object (a received IPC buffer
 * with a whole parsed message in it) alive through any number of scrubs; this pins that down.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PlaintextScrubber, type ScrubInfo } from '../../src/runtime/memory-hygiene.js';
import { skipOrFail } from '../contract/services.js';
import { canReadMemory, scanMemory } from '../helpers/process-memory.js';

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

  it('clears dead strings of the old generation, which --clear-free-memory leaves (a process read through /proc)', async (t) => {
    if (process.platform !== 'linux') return skipOrFail(t, 'needs Linux /proc');
    const child = fork(fileURLToPath(new URL('../helpers/scrub-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // as docs/encryption.md tells operators: freed malloc memory overwritten (not what is tested here)
      env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.perturb=165:glibc.malloc.tcache_count=0' },
    });
    try {
      await once(child, 'message');
      if (!canReadMemory(child.pid!)) return skipOrFail(t, 'this process may not read another\'s memory (run as root, or with ptrace_scope 0)');
      const ask = async (m: object) => {
        child.send(m);
        await once(child, 'message');
      };
      const marker = `Dead${randomBytes(6).toString('hex')}`;
      const count = 20_000;
      await ask({ op: 'make', marker, count });
      const live = scanMemory(child.pid!, [marker]).length;
      assert.ok(live >= count, `positive control: the scan sees the live strings (${live})`);
      await ask({ op: 'drop' });
      // V8 hands evacuated pages back to the system from a background task: on a busy machine that
      // task may not have run when the scrub returns, so the scan is repeated (each one a few ms)
      // until the bytes are gone, within a patient deadline
      const deadline = Date.now() + 60_000;
      let left = scanMemory(child.pid!, [marker]).length;
      const first = left;
      while (left > 0 && Date.now() < deadline) {
        await sleep(250);
        left = scanMemory(child.pid!, [marker]).length;
      }
      if (first > 0) console.log(`# ${first} dead strings readable right after the scrub, ${left} after waiting for V8's background release`);
      assert.equal(left, 0, `${left} of ${count} dead strings still readable after the scrub`);
    } finally {
      child.disconnect();
    }
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
