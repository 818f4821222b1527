/**
 * The idle cost of a held wait.php request beside that of an open WebSocket: each kind on a
 * fresh service of its own (so neither reuses memory the other freed), the same number of each
 * over the same number of mailboxes, measured as the server's RSS and as its JS heap after full
 * collections (read over the inspector: RSS alone moves with the allocator and the other
 * processes on a loaded machine; the heap after GC is what the objects of each kind hold).
 */
import { connectInspector } from '../../apps/server/test/helpers/inspector.js';
import { holdWaits, openSockets } from './scale.js';
import { type Mailbox, type Service, generateMailbox, startService } from './service.js';
import { log, round, sleep } from './util.js';

export interface KindCost {
  count: number;
  failures: number;
  bytesRss: number;
  bytesHeap: number;
}

export interface IdleCost {
  waits: KindCost;
  /** The same waits held in node:http (TEMPMAIL_WAIT_FRONT=off): what the wait front saves. */
  waitsInNodeHttp: KindCost;
  websockets: KindCost;
  /** Per held wait / per WebSocket. */
  ratioRss: number;
  ratioHeap: number;
  /** Per wait held in node:http / per WebSocket. */
  ratioRssInNodeHttp: number;
}

type Kind = 'waits' | 'websockets';

async function measureKind(kind: Kind, count: number, mailboxCount: number, settleMs: number, env: Record<string, string> = {}): Promise<KindCost> {
  // Held waits are capped per client address (TEMPMAIL_WAIT_MAX_PER_KEY), WebSockets per mailbox: the bench is one address.
  const svc: Service = await startService({ TEMPMAIL_WAIT_MAX_PER_KEY: '1000000', TEMPMAIL_WS_MAX_PER_MAILBOX: '1000000', TEMPMAIL_WS_MAX_PER_KEY: '1000000', ...env }, ['--inspect=127.0.0.1:0']);
  const inspector = await connectInspector(svc as never);
  try {
    const mailboxes: Mailbox[] = [];
    for (let i = 0; i < mailboxCount; i++) mailboxes.push(await generateMailbox(svc));
    const reading = async () => {
      await sleep(settleMs);
      return { heap: await inspector.heapUsedAfterGc(), rss: svc.rss() };
    };
    // One of the kind first, so code compiled on first use is not counted per item.
    await hold(kind, svc, mailboxes, 1).then((h) => h.release());
    const before = await reading();
    const held = await hold(kind, svc, mailboxes, count);
    const during = await reading();
    held.release();
    const n = held.count;
    log(`  ${n} ${kind} on a fresh service: RSS +${Math.round((during.rss - before.rss) / 1024)} KB, heap after GC +${Math.round((during.heap - before.heap) / 1024)} KB`);
    return { count: n, failures: held.failures, bytesRss: n ? Math.round((during.rss - before.rss) / n) : NaN, bytesHeap: n ? Math.round((during.heap - before.heap) / n) : NaN };
  } finally {
    inspector.close();
    await svc.stop();
  }
}

async function hold(kind: Kind, svc: Service, mailboxes: Mailbox[], count: number): Promise<{ count: number; failures: number; release(): void }> {
  if (kind === 'waits') {
    const w = await holdWaits(svc, mailboxes, count);
    return { count: w.requests.length - w.failures(), failures: w.failures(), release: () => w.release() };
  }
  const s = await openSockets(svc, mailboxes, count);
  return { count: s.sockets.length, failures: s.failures, release: () => { for (const ws of s.sockets) ws.terminate(); } };
}

/**
 * `count` held waits (by the wait front, then in node:http with the front off), then `count`
 * WebSockets, each on a fresh service with `mailboxCount` mailboxes. Each wait opens its own
 * connection, as parallel waits do.
 */
export async function idleCost(count: number, mailboxCount: number, settleMs: number): Promise<IdleCost> {
  const waits = await measureKind('waits', count, mailboxCount, settleMs);
  const waitsInNodeHttp = await measureKind('waits', count, mailboxCount, settleMs, { TEMPMAIL_WAIT_FRONT: 'off' });
  const websockets = await measureKind('websockets', count, mailboxCount, settleMs);
  return {
    waits, waitsInNodeHttp, websockets,
    ratioRss: round(waits.bytesRss / websockets.bytesRss),
    ratioHeap: round(waits.bytesHeap / websockets.bytesHeap),
    ratioRssInNodeHttp: round(waitsInNodeHttp.bytesRss / websockets.bytesRss),
  };
}
