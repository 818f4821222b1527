/**
 * The parser workers' Blob stand-in (ingest/parser/postal-mime-patches/blob.ts) must not change what postal-mime
 * produces: every corpus message and the 28 KB multipart sample parse to the same result with
 * Node's Blob (main thread) and with FastBlob (a worker thread).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import PostalMime from 'postal-mime';
import { type NamedMessage, normaliseParsed, sharedMessages } from '../../helpers/mime-samples.js';
import { FastBlob } from '../../../src/ingest/parser/postal-mime-patches/blob.js';

function messages(): NamedMessage[] {
  const out = sharedMessages();
  // Edge cases of the joins: QP soft breaks and escapes at chunk ends, empty and binary parts.
  out.push({ name: 'qp-edges', raw: Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nH=C3=A9llo=\r\n w=\r\norld =3D=3D end=\r\n') });
  out.push({ name: 'empty-attachment', raw: Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n\r\n--b--\r\n') });
  return out;
}

const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  (async () => {
    const { register } = await import(workerData.tsx); register();
    const { installFastBlob } = await import(workerData.fastBlob);
    installFastBlob();
    const { default: PostalMime } = await import('postal-mime');
    const out = [];
    for (const m of workerData.messages) {
      const email = await PostalMime.parse(Buffer.from(m.raw), { attachmentEncoding: 'arraybuffer' });
      out.push(JSON.stringify(email, (_k, v) => (v instanceof ArrayBuffer ? Buffer.from(v).toString('hex') : v)));
    }
    parentPort.postMessage(out);
  })();
`;

test('FastBlob joins bytes like Blob', async () => {
  const parts = ['héllo ', new Uint8Array([0xe2, 0x9c, 0x93]).buffer, new Uint8Array([1, 2, 3, 4]).subarray(1, 3), ''];
  const a = Buffer.from(await new FastBlob(parts).arrayBuffer());
  const b = Buffer.from(await new Blob(parts as BlobPart[]).arrayBuffer());
  assert.deepEqual(a, b);
  assert.equal(new FastBlob(parts).size, b.length);
  assert.equal(await new FastBlob(['a', 'b']).text(), 'ab');
  assert.equal(Object.prototype.toString.call(new FastBlob()), '[object Blob]');
});

test('postal-mime gives identical results with FastBlob in a worker', async () => {
  const all = messages();
  assert.ok(all.length >= 3);
  const expected = [];
  for (const m of all) expected.push(normaliseParsed(await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' })));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      tsx: import.meta.resolve('tsx/esm/api'),
      fastBlob: new URL('../../../src/ingest/parser/postal-mime-patches/blob.ts', import.meta.url).href,
      messages: all.map((m) => ({ raw: new Uint8Array(m.raw) })),
    },
  });
  const got = await new Promise<string[]>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  await worker.terminate();
  for (let i = 0; i < all.length; i++) assert.equal(got[i], expected[i], `${all[i].name} parses differently`);
});
