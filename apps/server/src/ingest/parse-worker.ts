/** Worker thread body for ingest/parse.ts: parses one message per request, off the main event loop. */
import { parentPort } from 'node:worker_threads';
import { type ParseLimits, parseMailInline } from './parse.js';
import { installFastBlob } from './fast-blob.js';

if (!parentPort) throw new Error('parse-worker.ts runs as a worker thread only');
const port = parentPort;
installFastBlob(); // postal-mime's Blob joins, without Node's per-chunk Blob cost (see fast-blob.ts)

port.on('message', (job: { raw: ArrayBuffer; limits: ParseLimits }) => {
  void parseMailInline(Buffer.from(job.raw), job.limits).then((parsed) => {
    // Attachments that own their whole buffer are moved back, the rest is copied.
    const transfer: ArrayBuffer[] = [];
    for (const a of parsed.attachments) {
      const buf = a.content.buffer;
      if (buf instanceof ArrayBuffer && a.content.byteOffset === 0 && a.content.byteLength === buf.byteLength && !transfer.includes(buf)) {
        transfer.push(buf);
      } else {
        a.content = new Uint8Array(a.content); // a copy that owns its buffer
        transfer.push(a.content.buffer as ArrayBuffer);
      }
    }
    port.postMessage({ parsed }, transfer);
  });
});
