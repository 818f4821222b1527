/**
 * Sender authentication on a worker thread (check-worker.ts): the main thread hands each
 * message over (its bytes moved, not copied) and gets the verdict back. A worker that fails
 * answers what it held with the temperror verdict and is started anew for the next message.
 */
import { Worker } from 'node:worker_threads';
import type { AuthenticationResults } from '../domain/types.js';
import type { AuthInput } from './checker.js';
import type { CachedResolverOptions } from './dns-resolver.js';
import { temperrorVerdict } from './verdict.js';

export type CheckRequest =
  | { kind: 'check'; id: number; raw: ArrayBuffer; input: Omit<AuthInput, 'raw'> }
  | { kind: 'close' };
export type CheckReply = { kind: 'done'; id: number; verdict: AuthenticationResults } | { kind: 'error'; message: string };

export interface WorkerCheckerOptions {
  resolver: Omit<CachedResolverOptions, 'now'>;
  deadlineMs: number;
  mta: string;
  /** The worker thread's nice value (0: the main thread's priority). */
  niceness?: number;
  onError?: (err: Error) => void;
}

/** The worker's entry: dist/.../check-worker.js, or (sources under tsx) the .ts file through tsx. */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./check-worker.js', here);
  const code = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register();`
    + `await import(${JSON.stringify(new URL('./check-worker.ts', here).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export class WorkerChecker {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, { input: AuthInput; resolve: (v: AuthenticationResults) => void }>();

  constructor(private readonly o: WorkerCheckerOptions) {}

  /**
   * The verdict for one message; never rejects. Takes `input.raw`: its bytes move to the worker
   * when it owns its whole ArrayBuffer (callers pass a fresh Buffer.alloc copy), else are copied.
   */
  check(input: AuthInput): Promise<AuthenticationResults> {
    const worker = this.worker ?? this.start();
    const id = ++this.seq;
    const { raw, ...rest } = input;
    const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer;
    const bytes = whole ? (raw.buffer as ArrayBuffer) : raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
    return new Promise((resolve) => {
      this.pending.set(id, { input, resolve });
      worker.ref();
      try {
        worker.postMessage({ kind: 'check', id, raw: bytes, input: rest } satisfies CheckRequest, [bytes]);
      } catch (e) {
        this.pending.delete(id);
        this.o.onError?.(e as Error);
        resolve(temperrorVerdict(input.clientIp, input.fromDomain));
      }
    });
  }

  private start(): Worker {
    const worker = new Worker(workerEntry(), { workerData: { resolver: this.o.resolver, deadlineMs: this.o.deadlineMs, mta: this.o.mta, niceness: this.o.niceness ?? 0 } });
    worker.unref();
    this.worker = worker;
    worker.on('message', (reply: CheckReply) => {
      if (reply.kind === 'error') {
        this.o.onError?.(new Error(reply.message));
        return;
      }
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(reply.verdict);
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.o.onError?.(new Error(`sender-auth worker ${why}`));
      for (const p of this.pending.values()) p.resolve(temperrorVerdict(p.input.clientIp, p.input.fromDomain));
      this.pending.clear();
    };
    worker.on('error', (err) => lost(`failed: ${err.message}`));
    worker.on('exit', (code) => lost(`exited (${code})`));
    return worker;
  }

  /** Ends the worker; checks still held answer temperror. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    for (const p of this.pending.values()) p.resolve(temperrorVerdict(p.input.clientIp, p.input.fromDomain));
    this.pending.clear();
    await worker.terminate();
  }
}
