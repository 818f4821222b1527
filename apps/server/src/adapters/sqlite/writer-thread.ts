/**
 * Commits message batches on a worker thread with its own SQLite connection, so the main event
 * loop never waits for the write or the fsync (WAL lets the main connection read meanwhile).
 * Each `write` resolves after its batch is committed and synced, exactly as the synchronous
 * path would. Falls back to the calling thread when a worker cannot run.
 *
 * The batch's buffers move to the worker without a copy (a 28 KB message carries ~55 KB of
 * sealed data; a 20 MB one, 40 MB): the store owns them once `insert` is called. So a batch
 * that fails is retried message by message in the worker, where the data is.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';
import { messageItemsWriter, type PendingWrite, type WriteFailure } from './message-writer.js';

type Reply = { kind: 'done'; seq: number; failures: Array<WriteFailure | null> } | { kind: 'closed' };

/** Each message's outcome: null where it was committed, else why not. */
export type WriteOutcomes = Array<Error | null>;

const toError = (f: WriteFailure | null): Error | null => (f ? Object.assign(new Error(f.message), { code: f.code }) : null);

/**
 * The ArrayBuffers of a batch that can be moved rather than copied: each one wholly owned by one
 * Buffer. A small Buffer may be a slice of Node's shared allocation pool, which must never move.
 */
export function movableBuffers(items: PendingWrite[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (b: Uint8Array) => {
    if (b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength > 0 && b.byteLength === b.buffer.byteLength) out.add(b.buffer);
  };
  for (const item of items) {
    if ('auth' in item) {
      add(item.auth.sealed);
      continue;
    }
    const m = item.message;
    add(m.summary);
    add(m.body);
    add(m.raw);
    m.attachments.forEach(add);
  }
  return [...out];
}

/** The worker's entry: dist/.../writer-worker.js, or (sources under tsx) the .ts file through tsx. */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./writer-worker.js', here);
  const code = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register();`
    + `await import(${JSON.stringify(new URL('./writer-worker.ts', here).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class WriterThread {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (outcomes: WriteOutcomes) => void; reject: (e: Error) => void }>();
  private failures = 0;
  private inline: ((items: PendingWrite[]) => Array<WriteFailure | null>) | null = null;
  private closing: Promise<void> | null = null;

  /** `file` is the database `db` has open; `db` is used only when no worker can run. */
  constructor(private readonly file: string, private readonly db: Db) {
    if (file === ':memory:' || file === '') this.inline = messageItemsWriter(db);
  }

  /**
   * Writes one batch in one transaction (message by message if that fails); resolves once it is
   * committed and synced, with each message's outcome. Rejects only when the worker was lost
   * with the batch: whether it committed is then unknown, and its buffers are gone.
   */
  write(items: PendingWrite[]): Promise<WriteOutcomes> {
    if (this.inline || this.closing) return this.writeInline(items);
    const worker = this.worker ?? this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.ref(); // keep the process alive while a commit is pending
      try {
        worker.postMessage({ kind: 'write', seq, items }, movableBuffers(items));
      } catch (e) {
        this.waiting.delete(seq);
        reject(e as Error);
      }
    });
  }

  private async writeInline(items: PendingWrite[]): Promise<WriteOutcomes> {
    this.inline ??= messageItemsWriter(this.db);
    return this.inline(items).map(toError);
  }

  private start(): Worker {
    const worker = new Worker(workerEntry(), { workerData: { file: this.file } });
    worker.unref();
    this.worker = worker;
    worker.on('message', (reply: Reply) => {
      if (reply.kind !== 'done') return;
      const w = this.waiting.get(reply.seq);
      this.waiting.delete(reply.seq);
      if (this.waiting.size === 0) worker.unref();
      if (!w) return;
      this.failures = 0;
      w.resolve(reply.failures.map(toError));
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      // Whether an in-flight batch committed is unknown: fail it (SMTP answers 4xx, the sender retries).
      for (const w of this.waiting.values()) w.reject(new Error(`SQLite writer thread ${why}`));
      this.waiting.clear();
      if (++this.failures >= 3) this.inline ??= messageItemsWriter(this.db); // keep working without threads
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited (${code})`));
    return worker;
  }

  /** Waits for pending batches, then closes the worker's connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      await Promise.allSettled([...this.waiting.values()].map((w) => new Promise<void>((r) => {
        const { resolve, reject } = w;
        w.resolve = (outcomes) => { resolve(outcomes); r(); };
        w.reject = (e) => { reject(e); r(); };
      })));
      this.worker = null;
      worker.ref();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { void worker.terminate().then(() => resolve()); }, 5000);
        worker.once('exit', () => { clearTimeout(timer); resolve(); });
        worker.postMessage({ kind: 'close' });
      });
    })();
    return this.closing;
  }
}
