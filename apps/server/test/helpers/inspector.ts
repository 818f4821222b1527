/**
 * The V8 inspector of a server child process started with NODE_OPTIONS=--inspect=127.0.0.1:0:
 * collect garbage and read the JS heap in use, over the Chrome DevTools Protocol (a WebSocket).
 * What a memory test compares: heap in use after a full collection, not RSS alone.
 */
import WebSocket from 'ws';
import { eventually } from './api.js';
import type { ServiceHandle } from './service.js';

/** The `--inspect` option that makes a started service (and its parser processes) listen on free ports. */
export const INSPECT_OPTION = '--inspect=127.0.0.1:0';

export interface Inspector {
  /** Heap in use (bytes) after V8's full collections. */
  heapUsedAfterGc(): Promise<number>;
  /** The process's own `process.memoryUsage()` (bytes: rss, heapUsed, external, arrayBuffers). */
  memoryUsage(): Promise<Record<string, number>>;
  close(): void;
}

export async function connectInspector(service: ServiceHandle): Promise<Inspector> {
  // Node prints the address first thing on stderr (its parser processes print theirs later).
  const url = await eventually(async () => /Debugger listening on (ws:\/\/\S+)/.exec(service.logs())?.[1] ?? null);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
    const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  const send = (method: string, params: object = {}) => new Promise<any>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  return {
    async heapUsedAfterGc() {
      // Twice: what the first collection only unlinks (objects freed by weak callbacks) goes in the second.
      await send('HeapProfiler.collectGarbage');
      await new Promise((r) => setTimeout(r, 50));
      await send('HeapProfiler.collectGarbage');
      const usage = (await send('Runtime.getHeapUsage')) as { usedSize: number };
      return usage.usedSize;
    },
    async memoryUsage() {
      const r = (await send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
      return JSON.parse(r.result.value) as Record<string, number>;
    },
    close() { ws.close(); },
  };
}
