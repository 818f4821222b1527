import { startService, generateMailbox } from '../lib/service.js';
import { backgroundLoad } from '../lib/smtp-load.js';
import { cpuTimes, sleep } from '../lib/util.js';
import { execFileSync } from 'node:child_process';
const svc = await startService();
const m = await generateMailbox(svc);
const bg = backgroundLoad(svc.smtpPort, m.email, '/tmp/benchtry/sample.eml', 16);
for (let i = 0; i < 5; i++) {
  const c0 = cpuTimes(svc.pid); await sleep(2000); const c1 = cpuTimes(svc.pid);
  const inbox = await (await fetch(`${svc.httpUrl}/api/inbox.php?email=${m.email}&token=${m.token}&limit=1000`)).json() as unknown[];
  console.log('server cpu %', ((c1.totalMs - c0.totalMs) / 20).toFixed(0), 'main %', ((c1.mainMs - c0.mainMs) / 20).toFixed(0), 'stored', inbox.length, 'bg alive', bg.child.exitCode === null);
}
console.log(execFileSync('pgrep', ['-af', 'smtp-source'], { encoding: 'utf8' }));
await bg.stop();
console.log('after stop:', (() => { try { return execFileSync('pgrep', ['-af', 'smtp-source'], { encoding: 'utf8' }); } catch { return 'none'; } })());
await svc.stop(); process.exit(0);
