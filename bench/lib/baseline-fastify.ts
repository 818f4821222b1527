/**
 * The read baseline: a bare Fastify app (same library and version as the service) in its own
 * node process, answering GET /inbox and GET /read with fixed JSON documents (the bench passes
 * the very bodies the service answered, so both sides serialise the same data).
 * `node --import tsx bench/lib/baseline-fastify.ts FILE.json` prints "listening PORT".
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { BENCH_DIR, startHelper } from './util.js';

export function startFastifyBaseline(bodiesFile: string) {
  return startHelper(`${BENCH_DIR}/lib/baseline-fastify.ts`, [bodiesFile]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bodies = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { inbox: unknown; read: unknown };
  const app = Fastify({ logger: false });
  // Constant objects: Fastify serialises them per request, as the service does its answers.
  app.get('/inbox', async () => bodies.inbox);
  app.get('/read', async () => bodies.read);
  app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
    const addr = app.server.address();
    process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
