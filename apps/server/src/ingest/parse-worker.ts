/**
 * A parser process for ingest/parse.ts: parses one message per request, off the service's event
 * loop and out of its memory. It ends when the service goes away (its IPC channel closes).
 */
import { FastBlob } from './fast-blob.js';
import { type ParseLimits, parseMailInline } from './parse.js';

if (!process.send) throw new Error('parse-worker runs as a child process (fork) only');

// postal-mime's Blob joins without Node's per-chunk Blob cost (see fast-blob.ts). This process
// runs nothing but the parser, so replacing the global Blob here is as safe as in a worker
// thread (installFastBlob() refuses any main thread, which a forked process also is).
(globalThis as { Blob: unknown }).Blob = FastBlob;

process.on('message', (job: { raw: Uint8Array; limits: ParseLimits }) => {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  void parseMailInline(raw, job.limits).then((parsed) => {
    process.send!({ parsed });
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
