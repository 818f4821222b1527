import { parseMail } from '../../apps/server/src/ingest/parse.js';
import { loadCorpus, DEFAULT_LIMITS } from '../lib/extraction.js';
import { startService } from '../lib/service.js';
import { mailboxScale, socketScale, setSettleMs } from '../lib/scale.js';
setSettleMs(200);
const svc = await startService();
const { kept } = await mailboxScale(svc, Number(process.env.MB ?? 3000), 3000, 60);
await socketScale(svc, kept, Number(process.env.WS ?? 3000));
await svc.stop();
const corpus = loadCorpus();
const reasons = new Map<string, number>();
const t = performance.now();
for (const raw of corpus) { const p = await parseMail(raw, DEFAULT_LIMITS); if (p.unparsed) reasons.set(p.unparsed, (reasons.get(p.unparsed) ?? 0) + 1); }
console.log('ms', (performance.now() - t).toFixed(0), [...reasons]);
process.exit(0);
