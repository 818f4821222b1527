/**
 * A small synchronous stand-in for the global `Blob`, installed in the parser processes only (and in test worker threads).
 *
 * postal-mime (written for browsers) joins every decoded body part through
 * `new Blob(chunks).arrayBuffer()`, and its quoted-printable decoder hands it one chunk per run
 * of text and per escape: hundreds of tiny chunks per HTML part. Node's Blob crosses into C++
 * for each chunk and reads back asynchronously in pieces (nodejs/performance#118), which made
 * that join about half of the parse time of a typical 28 KB message (see docs/benchmarks.md).
 * This one concatenates into one Uint8Array instead: same bytes, a fraction of the cost.
 *
 * It covers what a Blob built from strings and bytes does (size, type, arrayBuffer, bytes,
 * text, slice); nothing in a parser process needs more.
 */
import { isMainThread } from 'node:worker_threads';

const encoder = new TextEncoder();

type Part = string | ArrayBuffer | ArrayBufferView | FastBlob;

export class FastBlob {
  readonly #bytes: Uint8Array;
  readonly type: string;

  constructor(parts: Iterable<Part> = [], options: { type?: string } = {}) {
    const views: Uint8Array[] = [];
    let size = 0;
    for (const p of parts) {
      let v: Uint8Array;
      if (typeof p === 'string') v = encoder.encode(p);
      else if (p instanceof ArrayBuffer) v = new Uint8Array(p);
      else if (ArrayBuffer.isView(p)) v = new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
      else if (p instanceof FastBlob) v = p.#bytes;
      else v = encoder.encode(String(p));
      views.push(v);
      size += v.byteLength;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (const v of views) {
      out.set(v, at);
      at += v.byteLength;
    }
    this.#bytes = out;
    this.type = options.type && /^[\x20-\x7e]*$/.test(options.type) ? options.type.toLowerCase() : '';
  }

  get size(): number {
    return this.#bytes.byteLength;
  }

  get [Symbol.toStringTag](): string {
    return 'Blob';
  }

  /** A fresh copy each call, as Blob#arrayBuffer gives. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes.slice().buffer;
  }

  async bytes(): Promise<Uint8Array> {
    return this.#bytes.slice();
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes);
  }

  slice(start?: number, end?: number, type?: string): FastBlob {
    return new FastBlob([this.#bytes.slice(start, end)], { type });
  }
}

/** Makes `Blob` the fast one in this worker thread (never on the main thread: other code there uses Blob). */
export function installFastBlob(): void {
  if (isMainThread) throw new Error('installFastBlob is for parser worker threads only');
  (globalThis as { Blob: unknown }).Blob = FastBlob;
}
