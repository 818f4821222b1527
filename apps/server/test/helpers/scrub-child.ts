/**
 * A process for the scrubber's memory test (unit/memory-hygiene.test.ts): hardened as the
 * service is, it makes strings carrying a marker among live objects, lets a scrub move them to
 * the old generation, then drops them and scrubs again, so that the test can read its memory.
 */
import { hardenProcessMemory, PlaintextScrubber } from '../../src/runtime/memory-hygiene.js';

hardenProcessMemory();
const scrubber = new PlaintextScrubber(1);
const scrub = () => new Promise<void>((resolve) => {
  const alive = setInterval(() => {}, 1000); // the scrub's own timer does not keep a process alive
  scrubber.onScrubbed(() => {
    clearInterval(alive);
    resolve();
  });
  scrubber.request();
});

const live: Array<{ i: number; pad: string }> = [];
let dead: string[] | null = [];

process.on('message', (m: { op: 'make'; marker: string; count: number } | { op: 'drop' }) => {
  void (async () => {
    if (m.op === 'make') {
      for (let i = 0; i < m.count; i++) {
        live.push({ i, pad: `live ${i} ${'-'.repeat(40)}` });
        // JSON.parse makes a flat string (a template literal makes a rope of pieces)
        dead!.push(JSON.parse(`"${m.marker}${String(i).padStart(6, '0')}${'x'.repeat(60)}"`) as string);
      }
      await scrub(); // still referenced: they survive it, in the old generation now
    } else {
      dead = null;
      await scrub();
    }
    process.send!('done');
  })();
});
process.on('disconnect', () => process.exit(0));
process.send!('ready');
