import { startService, generateMailbox } from '../lib/service.js';
import { smtpLoad } from '../lib/smtp-load.js';
const svc = await startService({}, ['--import', '/tmp/benchtry/pmhook.mjs']);
const m = await generateMailbox(svc);
const t = await smtpLoad(svc.smtpPort, m.email, 2000, '/tmp/benchtry/sample.eml');
console.log(t.msgPerSec);
await svc.stop(); process.exit(0);
