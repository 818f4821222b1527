/**
 * Commits message batches on a worker thread with its own SQLite connection, so the main event
 * loop never waits for the write or the fsync (WAL lets the main connection read meanwhile).
 * Each `write` resolves after its batch is committed and synced, exactly as the synchronous
 * path would. Falls back to the calling thread when a worker cannot run.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';
import { messageBatchWriter, type PendingInsert } from './message-writer.js';

type Reply = { kind: 'done'; seq: number; error?: { message: string; code?: string } } | { kind: 'closed' };

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
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failures = 0;
  private inline: ((items: PendingInsert[]) => void) | null = null;
  private closing: Promise<void> | null = null;

  /** `file` is the database `db` has open; `db` is used only when no worker can run. */
  constructor(private readonly file: string, private readonly db: Db) {
    if (file === ':memory:' || file === '') this.inline = messageBatchWriter(db);
  }

  /** Writes one batch in one transaction; resolves once it is committed and synced. */
  write(items: PendingInsert[]): Promise<void> {
    if (this.inline || this.closing) return this.writeInline(items);
    const worker = this.worker ?? this.start();
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      worker.ref(); // keep the process alive while a commit is pending
      worker.postMessage({ kind: 'write', seq, items });
    });
  }

  private async writeInline(items: PendingInsert[]): Promise<void> {
    this.inline ??= messageBatchWriter(this.db);
    this.inline(items);
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
      if (!reply.error) {
        this.failures = 0;
        w.resolve();
      } else {
        w.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      }
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      // Whether an in-flight batch committed is unknown: fail it (SMTP answers 4xx, the sender retries).
      for (const w of this.waiting.values()) w.reject(new Error(`SQLite writer thread ${why}`));
      this.waiting.clear();
      if (++this.failures >= 3) this.inline ??= messageBatchWriter(this.db); // keep working without threads
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
        w.resolve = () => { resolve(); r(); };
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
