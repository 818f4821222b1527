/**
 * A parser process for ingest/parse.ts: parses one message per request, off the service's event
 * loop and out of its memory. It ends when the service goes away (its IPC channel closes).
 */
import { FastBlob } from './fast-blob.js';
import { installFastBase64 } from './fast-base64.js';
import { installFastLineLoop } from './fast-line-loop.js';
import { installFastQp } from './fast-qp.js';
import { type ParserReply, type ParserRequest, asBuffer, parseMailInline, prepare, sendPrepared } from './parse.js';

if (!process.send) throw new Error('parse-worker runs as a child process (fork) only');

// postal-mime's Blob joins without Node's per-chunk Blob cost (see fast-blob.ts). This process
// runs nothing but the parser, so replacing the global Blob here is as safe as in a worker
// thread (installFastBlob() refuses any main thread, which a forked process also is).
(globalThis as { Blob: unknown }).Blob = FastBlob;
// Its base64 and quoted-printable bodies decoded in one pass each (fast-base64.ts, fast-qp.ts);
// if postal-mime moved its decoders, its own are kept (slower, same result).
if (!(await installFastBase64())) process.emitWarning('postal-mime base64 decoder not found: using its own (slower)');
if (!installFastLineLoop()) process.emitWarning('postal-mime line loop not found: using its own (slower)');
if (!(await installFastQp())) process.emitWarning('postal-mime quoted-printable decoder not found: using its own (slower)');

/** The leading slices of a big message, until its job arrives with the rest. */
let parts: Buffer[] = [];

process.on('message', (request: ParserRequest) => {
  if ('rawPart' in request) {
    parts.push(asBuffer(request.rawPart));
    return;
  }
  const job = request;
  let raw = asBuffer(job.raw);
  if (parts.length > 0) {
    raw = Buffer.concat([...parts, raw]);
    parts = [];
  }
  void parseMailInline(raw, job.limits).then((parsed) => {
    sendPrepared((reply: ParserReply) => process.send!(reply), prepare(parsed, job.envelopeFrom));
  }).finally(() => raw.fill(0)); // this process's copy of the message: not left for the next jobs' garbage
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true } satisfies ParserReply);
