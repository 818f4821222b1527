/**
 * Worker thread body of worker-checker.ts: runs the checks (mailauth: MIME parsing, body
 * hashes, signature verification, DNS through its own cached resolver) away from the main
 * event loop, which keeps answering SMTP and pushing events meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SenderAuthChecker } from './checker.js';
import { cachedResolver, type CachedResolverOptions } from './dns-resolver.js';
import { lowerThreadPriority } from './thread-priority.js';
import type { CheckReply, CheckRequest } from './worker-checker.js';

if (!parentPort) throw new Error('check-worker runs as a worker thread only');
const port = parentPort;
const options = workerData as { resolver: CachedResolverOptions; deadlineMs: number; mta: string; niceness: number };
// The checks yield the CPU to the main thread (the next 250 and its push) and to the parsers:
// their results may follow.
lowerThreadPriority(options.niceness);
const checker = new SenderAuthChecker({
  resolver: cachedResolver(options.resolver),
  deadlineMs: options.deadlineMs,
  mta: options.mta,
  onError: (err) => port.postMessage({ kind: 'error', message: err.message } satisfies CheckReply),
});

port.on('message', (req: CheckRequest) => {
  if (req.kind === 'close') {
    port.close();
    return;
  }
  const raw = Buffer.from(req.raw);
  void checker.check({ ...req.input, raw }).then((verdict) => {
    raw.fill(0);
    port.postMessage({ kind: 'done', id: req.id, verdict } satisfies CheckReply);
  });
});
