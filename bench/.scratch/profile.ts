// Scratch: CPU-profile the server's main thread under multipart ingest.
import { startService, generateMailbox } from '../lib/service.js';
import { smtpLoad, makeMimeSample } from '../lib/smtp-load.js';
import { mkdirSync, rmSync } from 'node:fs';
const dir = process.env.PROF_DIR ?? '/tmp/benchtry/prof-srv';
rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
makeMimeSample('/tmp/benchtry/sample.eml');
const svc = await startService(JSON.parse(process.env.EXTRA ?? '{}'), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
const m = await generateMailbox(svc);
await smtpLoad(svc.smtpPort, m.email, 500, process.env.BODY ?? '/tmp/benchtry/sample.eml');
const t = await smtpLoad(svc.smtpPort, m.email, Number(process.env.N ?? 3000), process.env.BODY ?? '/tmp/benchtry/sample.eml');
console.log('msg/s', t.msgPerSec);
await svc.stop();
process.exit(0);
