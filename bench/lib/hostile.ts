/**
 * The issue-16 attacks at bench scale, measured rather than judged: a mailbox of huge subjects
 * listed in parallel, and WebSockets that never read. Each reports RSS (before, peak, after) and
 * /healthz latency during the attack beside /healthz latency idle, in the same run.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { type Service, generateMailbox, qs } from './service.js';
import { percentile, round, sleep } from './util.js';

export interface AttackFigures {
  healthIdleP50: number;
  healthP50: number;
  healthMax: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssAfterMB: number;
  detail: string;
}

const MB = 1024 * 1024;

/** Probes /healthz until stopped, sampling RSS beside it. */
function probe(svc: Service): { stop(): Promise<{ times: number[]; rssPeak: number }> } {
  let running = true;
  const times: number[] = [];
  let rssPeak = svc.rss();
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${svc.httpUrl}/healthz`).then((r) => r.arrayBuffer()).catch(() => null);
      times.push(performance.now() - t);
      rssPeak = Math.max(rssPeak, svc.rss());
      await sleep(10);
    }
  })();
  return { stop: async () => { running = false; await loop; return { times, rssPeak }; } };
}

async function idleHealth(svc: Service): Promise<number> {
  const p = probe(svc);
  await sleep(1000);
  return percentile((await p.stop()).times, 50);
}

function figures(idle: number, before: number, sampled: { times: number[]; rssPeak: number }, after: number, detail: string): AttackFigures {
  return {
    healthIdleP50: round(idle, 2), healthP50: round(percentile(sampled.times, 50), 2), healthMax: round(Math.max(...sampled.times), 1),
    rssBeforeMB: Math.round(before / MB), rssPeakMB: Math.round(sampled.rssPeak / MB), rssAfterMB: Math.round(after / MB), detail,
  };
}

/** `messages` messages with `subjectChars`-character subjects, then `parallel` x `rounds` listings with limit=1000. */
export async function hugeSubjectListing(svc: Service, messages: number, subjectChars: number, parallel = 8, rounds = 5): Promise<AttackFigures> {
  const box = await generateMailbox(svc);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: svc.smtpPort, pool: true, maxConnections: 4, secure: false, ignoreTLS: true });
  const subject = 'huge subject '.repeat(Math.ceil(subjectChars / 13)).slice(0, subjectChars);
  await Promise.all(Array.from({ length: messages }, (_, i) => transport.sendMail({ from: 'big@bench.invalid', to: box.email, subject: `${i} ${subject}`, text: 'x' })));
  transport.close();
  const idle = await idleHealth(svc);
  const before = svc.rss();
  const p = probe(svc);
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    await Promise.all(Array.from({ length: parallel }, async () => {
      bytes += (await (await fetch(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token, limit: '1000' })}`)).arrayBuffer()).byteLength;
    }));
  }
  const sampled = await p.stop();
  await sleep(1000);
  return figures(idle, before, sampled, svc.rss(), `${messages} messages of ${subjectChars} characters; ${parallel * rounds} listings, ${Math.round(bytes / 1024)} KiB answered`);
}

/** A WebSocket client that completes its handshake and never reads again. */
function nonReader(svc: Service, path: string): Promise<net.Socket> {
  const url = new URL(svc.httpUrl);
  return new Promise((resolve, reject) => {
    const s = net.connect({ port: Number(url.port), host: url.hostname }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    s.once('data', (d) => { s.pause(); if (/^HTTP\/1\.1 101/.test(d.toString('latin1'))) resolve(s); else reject(new Error(d.toString('latin1').split('\r\n')[0])); });
    s.on('error', () => {});
  });
}

/** `sockets` non-reading WebSockets on one mailbox while `messages` of the largest event size arrive; RSS after they close. */
export async function nonReadingSockets(svc: Service, sockets: number, messages: number): Promise<AttackFigures> {
  const box = await generateMailbox(svc);
  const idle = await idleHealth(svc);
  const before = svc.rss();
  const clients = await Promise.all(Array.from({ length: sockets }, () => nonReader(svc, `/ws?${qs({ email: box.email, token: box.token })}`)));
  const p = probe(svc);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: svc.smtpPort, pool: true, maxConnections: 4, secure: false, ignoreTLS: true });
  const subject = `=?utf-8?b?${Buffer.from('\x01'.repeat(700)).toString('base64')}?=`; // ~6 KB events once JSON-escaped
  for (let i = 0; i < messages; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, messages - i) }, () => transport.sendMail({ envelope: { from: 'flood@bench.invalid', to: box.email }, raw: `From: flood@bench.invalid\r\nSubject: ${subject}\r\n\r\nx\r\n` })));
  }
  transport.close();
  const sampled = await p.stop();
  for (const c of clients) c.destroy();
  await sleep(2000);
  return figures(idle, before, sampled, svc.rss(), `${sockets} non-reading sockets on one mailbox, ${messages} messages with ~6 KB events`);
}
