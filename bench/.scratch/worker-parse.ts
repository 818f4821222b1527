import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
const code = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsx); register();
  if (workerData.fast) { const { installFastBlob } = await import(workerData.fb); installFastBlob(); }
  const { default: PostalMime } = await import('postal-mime');
  const raw = Buffer.from(workerData.raw);
  for (let i = 0; i < 300; i++) await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const c0 = process.cpuUsage(); const t = performance.now(); const n = 2000;
  for (let i = 0; i < n; i++) await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const c = process.cpuUsage(c0);
  parentPort.postMessage({ wall: (performance.now() - t) / n, cpu: (c.user + c.system) / 1000 / n });
})();`;
const raw = new Uint8Array(readFileSync('/tmp/benchtry/sample.eml'));
for (const fast of [false, true, false, true]) {
  const w = new Worker(code, { eval: true, workerData: { tsx: import.meta.resolve('tsx/esm/api'), fb: new URL('../../apps/server/src/ingest/fast-blob.ts', import.meta.url).href, fast, raw } });
  const r = await new Promise<{ wall: number; cpu: number }>((res) => w.once('message', res));
  console.log(fast ? 'FastBlob' : 'native  ', 'wall ms', r.wall.toFixed(3), 'process cpu ms', r.cpu.toFixed(3));
  await w.terminate();
}
