import { parseMail } from '../../apps/server/src/ingest/parse.js';
import { loadCorpus, DEFAULT_LIMITS } from '../lib/extraction.js';
const corpus = loadCorpus();
const t = performance.now();
for (const raw of corpus) {
  const p = await parseMail(raw, DEFAULT_LIMITS);
  if (p.unparsed) console.log('unparsed', p.unparsed);
}
console.log('sequential total ms', (performance.now() - t).toFixed(0));
let next = 0; const t2 = performance.now(); const reasons = new Map<string, number>();
await Promise.all(Array.from({ length: 16 }, async () => { while (next < 200) { const p = await parseMail(corpus[next++ % corpus.length], DEFAULT_LIMITS); if (p.unparsed) reasons.set(p.unparsed, (reasons.get(p.unparsed) ?? 0) + 1); } }));
console.log('concurrent ms/msg', ((performance.now() - t2) / 200).toFixed(2), [...reasons]);
process.exit(0);
