/**
 * The floor under idle-cost.ts: a bare node:http server that holds every request it gets (no
 * Fastify, no application code), beside a bare `ws` server with idle sockets, each in its own
 * process. What a held HTTP/1.1 request costs in Node itself (its parser, request and response
 * objects) against what an idle WebSocket costs in `ws`, so the service's rows can be read as
 * "floor + ours". `node --import tsx bench/lib/idle-floor.ts` prints "listening PORT"; GET
 * /__heap answers the JS heap in use after full collections.
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket, WebSocketServer } from 'ws';
import { holdWaits, openSockets } from './scale.js';
import type { Service } from './service.js';
import { BENCH_DIR, log, round, rssOf, sleep, startHelper } from './util.js';

export interface FloorCost {
  count: number;
  bytesRss: number;
  bytesHeap: number;
}

export interface IdleFloor {
  heldRequest: FloorCost;
  websocket: FloorCost;
  ratioRss: number;
  ratioHeap: number;
}

async function measure(kind: 'http' | 'ws', count: number, settleMs: number): Promise<FloorCost> {
  const helper = await startHelper(`${BENCH_DIR}/lib/idle-floor.ts`, []);
  const url = `http://127.0.0.1:${helper.port}`;
  const svc = { httpUrl: url } as Service; // holdWaits / openSockets only need the address
  const mailboxes = [{ email: 'k9x2m7q4ab1c@tempmail.local', token: 'x'.repeat(43) }];
  const reading = async () => {
    await sleep(settleMs);
    const heap = Number(await (await fetch(`${url}/__heap`)).text());
    return { heap, rss: rssOf(helper.child.pid!) };
  };
  try {
    const before = await reading();
    let n: number;
    let release: () => void;
    if (kind === 'http') {
      const w = await holdWaits(svc, mailboxes, count);
      n = w.requests.length;
      release = () => w.release();
    } else {
      const s = await openSockets(svc, mailboxes, count);
      n = s.sockets.length;
      release = () => { for (const ws of s.sockets) ws.terminate(); };
    }
    const during = await reading();
    release();
    log(`  bare ${kind === 'http' ? 'node:http, held requests' : 'ws, idle sockets'}: ${n}, RSS +${Math.round((during.rss - before.rss) / 1024)} KB, heap after GC +${Math.round((during.heap - before.heap) / 1024)} KB`);
    return { count: n, bytesRss: Math.round((during.rss - before.rss) / n), bytesHeap: Math.round((during.heap - before.heap) / n) };
  } finally {
    await helper.stop();
  }
}

/** `count` held requests on a bare node:http server, then `count` idle sockets on a bare ws server. */
export async function idleFloor(count: number, settleMs: number): Promise<IdleFloor> {
  const heldRequest = await measure('http', count, settleMs);
  const websocket = await measure('ws', count, settleMs);
  return { heldRequest, websocket, ratioRss: round(heldRequest.bytesRss / websocket.bytesRss), ratioHeap: round(heldRequest.bytesHeap / websocket.bytesHeap) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const held: http.ServerResponse[] = [];
  const sockets: WebSocket[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/__heap') {
      gc();
      gc();
      res.end(String(process.memoryUsage().heapUsed));
      return;
    }
    held.push(res); // never answered
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => { sockets.push(ws); }));
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
