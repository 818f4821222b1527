/**
 * A stand-in for a test process, for orphaned-services.test.ts: starts what argv names
 * (`service`, `redis`, `postgres`) with the ordinary helpers, prints one JSON line with their
 * ports and pids, then idles until it is killed. Run with `node --import tsx`.
 */
import { ServiceUnavailable } from '../contract/services.js';
import { startOwnPostgres, startOwnRedis } from './own-services.js';
import { startService } from './service.js';

const wanted = new Set(process.argv.slice(2));
const report: Record<string, unknown> = { pid: process.pid };
if (wanted.has('service')) {
  const svc = await startService();
  report.service = { pid: svc.process.pid, ports: [svc.httpPort, svc.smtpPort], dataDir: svc.dataDir };
}
for (const [name, start] of [['redis', startOwnRedis], ['postgres', startOwnPostgres]] as const) {
  if (!wanted.has(name)) continue;
  try {
    const own = await start();
    report[name] = { ports: [own.port] };
  } catch (err) {
    if (!(err instanceof ServiceUnavailable)) throw err;
    report[name] = { unavailable: err.message };
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
setInterval(() => {}, 1 << 30);
