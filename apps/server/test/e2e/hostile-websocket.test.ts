/**
 * Issue 16, finding 2: WebSocket clients that never read, or that send pongs nobody asked for.
 * A socket whose send buffer passes TEMPMAIL_WS_MAX_BUFFERED_BYTES is closed (its slot frees up,
 * its mail stays readable through the API), memory stays bounded, only pongs to the server's
 * own pings keep a socket alive, and sockets are capped per mailbox and per key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { http, qs } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { rssMb } from '../helpers/process-memory.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { bigEventMessage, newBox, nonReader, session, transaction } from './limits-helpers.js';

/** Opens a WebSocket; resolves with it once open, or with the HTTP status that refused it. */
function openWs(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', reject);
  });
}



describe('WebSocket: slow consumers and socket caps', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({
      TEMPMAIL_WS_MAX_BUFFERED_BYTES: '65536',
      TEMPMAIL_WS_MAX_PER_MAILBOX: '1',
      TEMPMAIL_WS_MAX_PER_KEY: '2',
      // Heartbeats often, but no idle limit within the test: only the buffer cap may close the non-reader.
      TEMPMAIL_WS_HEARTBEAT_MS: '200',
      TEMPMAIL_WS_IDLE_MS: '3600000',
      TEMPMAIL_MAX_MESSAGES_PER_MAILBOX: '0',
      TEMPMAIL_MAX_MAILBOX_BYTES: '0',
    });
  });
  after(async () => { await svc.stop(); });

  it('a socket that never reads is closed once its buffer is full; its slot frees up and no mail is lost', async () => {
    const box = await newBox(svc);
    const pid = svc.process.pid!;
    const rssBefore = rssMb(pid);
    const slow = await nonReader(svc.httpPort, `/ws?${qs(box)}`);
    const ws = `${svc.httpUrl.replace('http', 'ws')}/ws?${qs(box)}`;
    assert.equal(await openWs(ws), 429, 'the one slot of the mailbox is taken');
    // Mail until the server sheds the non-reader: its slot frees, and a new socket gets in.
    const smtp = await session(svc.smtpPort);
    let sent = 0;
    let second: WebSocket | number = 429;
    while (second === 429) {
      assert.ok(sent < 20_000, 'the non-reading socket was never closed');
      for (let i = 0; i < 100; i++) assert.equal((await transaction(smtp, [box.email], bigEventMessage(sent++))).code, 250);
      second = await openWs(ws);
    }
    smtp.close();
    assert.ok(second instanceof WebSocket);
    const rssAfter = rssMb(pid);
    console.log(`# non-reader shed after ${sent} events of ~6 KB; RSS ${rssBefore} -> ${rssAfter} MB`);
    // Every message stays readable: the inbox lists all of them.
    let listed = 0;
    let beforeId: string | undefined;
    for (;;) {
      const res = await fetch(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 1000, before: beforeId })}`);
      const page = (await res.json()) as Array<{ id: string }>;
      listed += page.length;
      if (page.length === 0) break;
      beforeId = page[page.length - 1].id;
    }
    assert.equal(listed, sent);
    if (rssBefore !== null && rssAfter !== null) assert.ok(rssAfter - rssBefore < 200, `RSS grew ${rssAfter - rssBefore} MB`);
    second.close();
    slow.destroy();
  });

  it('caps sockets per key (429 past TEMPMAIL_WS_MAX_PER_KEY); a closed one frees its slot', async () => {
    const key = await createKey(svc);
    const boxes = await Promise.all([0, 1, 2].map(async () => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string));
    const base = svc.httpUrl.replace('http', 'ws');
    const open = [];
    for (const email of boxes.slice(0, 2)) open.push(await openWs(`${base}/v1/ws?${qs({ key, email })}`));
    assert.ok(open.every((w) => w instanceof WebSocket));
    const refused = await new Promise<{ status: number; body: string }>((resolve) => {
      const w = new WebSocket(`${base}/v1/ws?${qs({ key, email: boxes[2] })}`);
      w.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      w.on('error', () => {});
    });
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body).error.code, 'rate_limited');
    const first = open[0] as WebSocket;
    await new Promise<void>((resolve) => { first.once('close', () => resolve()); first.close(); });
    // The server lets go of the slot when it sees the close: wait for it, event by event.
    let third: WebSocket | number = 429;
    while (third === 429) third = await openWs(`${base}/v1/ws?${qs({ key, email: boxes[2] })}`);
    assert.ok(third instanceof WebSocket);
    third.close();
    (open[1] as WebSocket).close();
  });
});

describe('WebSocket: only pongs to the server pings keep a socket alive', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_WS_HEARTBEAT_MS: '200', TEMPMAIL_WS_IDLE_MS: '1000' }); });
  after(async () => { await svc.stop(); });

  it('pongs nobody asked for keep nothing alive; a socket that answers pings stays', async () => {
    const a = await newBox(svc);
    const b = await newBox(svc);
    const base = svc.httpUrl.replace('http', 'ws');
    const liar = await openWs(`${base}/ws?${qs(a)}`, { autoPong: false });
    const honest = await openWs(`${base}/ws?${qs(b)}`);
    assert.ok(liar instanceof WebSocket && honest instanceof WebSocket);
    const pongs = setInterval(() => liar.pong(), 50);
    const code = await new Promise<number>((resolve) => liar.once('close', (c) => resolve(c)));
    clearInterval(pongs);
    assert.notEqual(code, 1000);
    assert.equal(honest.readyState, WebSocket.OPEN, 'the socket that answers pings is still open');
    honest.close();
  });
});
