/** Shared pieces of the limits-*.test.ts files: HTTP from a chosen source address, SMTP sessions, hostile messages. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import net from 'node:net';
import { eventually, http, qs } from '../helpers/api.js';
import { type RawSmtp, rawSmtp } from '../helpers/smtp-client.js';
import type { ServiceHandle } from '../helpers/service.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request over its own connection, optionally bound to a source address in 127.0.0.0/8. */
export function call(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: { connection: 'close', ...opts.headers }, localAddress: opts.localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any = text;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A fresh anonymous mailbox. */
export async function newBox(svc: ServiceHandle): Promise<{ email: string; token: string }> {
  const res = await http(`${svc.httpUrl}/api/generate_email.php`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** The anonymous inbox of a mailbox. */
export async function inbox(svc: ServiceHandle, box: { email: string; token: string }): Promise<any[]> {
  const res = await http(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 1000 })}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** An SMTP session that has been greeted and said EHLO. */
export async function session(port: number, localAddress?: string): Promise<RawSmtp> {
  const s = await rawSmtp(port, '127.0.0.1', localAddress);
  assert.equal((await s.reply()).code, 220);
  assert.equal((await s.command('EHLO client.example')).code, 250);
  return s;
}

/**
 * A session once the server has freed a slot: it sees a closed connection a moment after the
 * client does, and until then answers 421. Tries again until greeted with 220 (no fixed pause).
 */
export async function sessionOnceFreed(port: number, localAddress?: string): Promise<RawSmtp> {
  return eventually(async () => {
    const s = await rawSmtp(port, '127.0.0.1', localAddress);
    const greeting = await s.reply().catch(() => null);
    if (greeting?.code === 220) {
      assert.equal((await s.command('EHLO client.example')).code, 250);
      return s;
    }
    assert.ok(!greeting || greeting.code === 421, `greeting ${greeting?.text}`);
    s.close();
    return null;
  });
}

/** Dot-stuffs message content for DATA (lines that begin with "." get another one). */
export const dotStuff = (data: string | Buffer): Buffer => {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const text = buf.toString('latin1').replace(/(^|\n)\./g, '$1..');
  return Buffer.from(text, 'latin1');
};

/** One whole transaction on an open session; returns the reply to the end of DATA (or the first refusal). */
export async function transaction(
  s: RawSmtp, to: string[], data: string | Buffer, from = 'sender@example.com', replyTimeoutMs = 60_000,
): Promise<{ code: number; text: string }> {
  const mail = await s.command(`MAIL FROM:<${from}>`);
  if (mail.code !== 250) return mail;
  for (const rcpt of to) {
    const r = await s.command(`RCPT TO:<${rcpt}>`);
    if (r.code !== 250) return r;
  }
  const go = await s.command('DATA');
  if (go.code !== 354) return go;
  const body = dotStuff(data);
  const end = body.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n';
  s.send(Buffer.concat([body, Buffer.from(end)])); // one write: no Nagle delay before the final dot
  return s.reply(replyTimeoutMs);
}

/** Connects, greets, sends one message and quits. */
export async function deliver(port: number, to: string[], data: string | Buffer): Promise<{ code: number; text: string }> {
  const s = await session(port);
  try {
    return await transaction(s, to, data);
  } finally {
    s.close();
  }
}

// ---- hostile messages ----

const HEAD = 'From: Hostile <hostile@example.com>\r\nTo: victim@tempmail.local\r\nMIME-Version: 1.0\r\n';

/** multipart nested `depth` levels deep. */
export function deepMultipart(depth: number, subject = `deep ${depth}`): Buffer {
  const open: string[] = [];
  for (let i = 0; i < depth; i++) open.push(`Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`);
  let close = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
  for (let i = depth - 1; i >= 0; i--) close += `--b${i}--\r\n`;
  return Buffer.from(`${HEAD}Subject: ${subject}\r\n${open.join('')}${close}`);
}

/** multipart/mixed with `n` sibling text parts. */
export function siblingParts(n: number, subject = `siblings ${n}`): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`--x\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`);
  return Buffer.from(`${HEAD}Subject: ${subject}\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n${parts.join('')}--x--\r\n`);
}

/** A header block of about `bytes` bytes (many long X- headers) before a short body. */
export function hugeHeader(bytes: number, subject = 'huge header'): Buffer {
  const line = `X-Filler: ${'h'.repeat(980)}\r\n`;
  return Buffer.from(`${HEAD}Subject: ${subject}\r\n${line.repeat(Math.ceil(bytes / line.length))}\r\nbody under a huge header\r\n`);
}

/** multipart/mixed with a text part and `n` small attachments. */
export function manyAttachments(n: number, subject = `attachments ${n}`): Buffer {
  let s = `${HEAD}Subject: ${subject}\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n`;
  for (let i = 0; i < n; i++) {
    s += `--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n`;
  }
  return Buffer.from(`${s}--x--\r\n`);
}

/** One HTML part of about `mb` megabytes (slow for any MIME parser: the worst case for the event loop). */
export function bigHtml(mb: number, subject = `html ${mb} MB`): Buffer {
  const line = '<div><p>Hello <b>there</b>, your order <a href="https://shop.example/o/1">#1</a> shipped.</p></div>\r\n';
  return Buffer.from(`${HEAD}Subject: ${subject}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${line.repeat(Math.ceil((mb * 1024 * 1024) / line.length))}`);
}

/** A plain message of about `bytes` bytes. */
export function plainMessage(subject: string, bytes = 200): Buffer {
  const body = 'x'.repeat(Math.max(1, bytes - 100));
  return Buffer.from(`From: a@example.com\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);
}

/** Milliseconds to wait. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A WebSocket client that completes the handshake and then never reads another byte. */
export function nonReader(port: number, path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.pause(); // from here on nothing is read: the kernel buffers fill, then the server's
      if (/^HTTP\/1\.1 101/.test(head)) resolve(s);
      else reject(new Error(head.split('\r\n')[0]));
    };
    s.on('data', onData);
    s.on('error', () => {});
  });
}

/** A message whose event is as big as the caps allow: a 998-character subject of control characters (6 JSON bytes each). */
export function bigEventMessage(n: number): string {
  const words = Array.from({ length: 25 }, () => `=?utf-8?b?${Buffer.from('\x01'.repeat(40)).toString('base64')}?=`).join('\r\n ');
  return `From: flood@example.com\r\nSubject: ${n} ${words}\r\n\r\nmessage ${n}\r\n`;
}
