/**
 * Latency from the SMTP `250` (read on the client, by a small raw-socket SMTP client) to the
 * WebSocket event or the webhook POST for that message, matched by message id.
 */
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { WebSocket } from 'ws';
import type { Mailbox, Service } from './service.js';
import { qs } from './service.js';
import { percentile, round } from './util.js';

export interface LatencyResult {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Events that reached the client before it read the 250 (counted as 0 ms). */
  beforeReply: number;
  /** Messages whose event never came within the timeout. */
  lost: number;
  /** Under load: server CPU meanwhile, all threads and main thread (100 = one core). */
  serverCpuPercent?: number;
  mainThreadCpuPercent?: number;
  /** While big messages arrived meanwhile: how many of them were stored. */
  bigMessages?: number;
  /** The end of the message's data written -> its 250 read: the service's responsiveness. */
  reply: { p50: number; p99: number; max: number };
}

/** Arrival times by message id, with waiting. */
class Arrivals {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, (t: number) => void>();

  record(id: string, t: number): void {
    const w = this.waiting.get(id);
    if (w) {
      this.waiting.delete(id);
      w(t);
    } else {
      this.seen.set(id, t);
    }
  }

  wait(id: string, timeoutMs: number): Promise<number | null> {
    const t = this.seen.get(id);
    if (t !== undefined) {
      this.seen.delete(id);
      return Promise.resolve(t);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiting.delete(id); resolve(null); }, timeoutMs);
      this.waiting.set(id, (at) => { clearTimeout(timer); resolve(at); });
    });
  }
}

/** A minimal SMTP client on one connection that timestamps each reply when it is read. */
export class RawSmtpClient {
  private buf = '';
  private readonly replies: Array<{ code: number; text: string; at: number }> = [];
  private wake: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      const at = performance.now();
      this.buf += d.toString('latin1');
      for (;;) {
        const m = /^(?:\d{3}-[^\n]*\n)*(\d{3})(?:[ \t][^\n]*)?\r?\n/.exec(this.buf);
        if (!m) break;
        this.buf = this.buf.slice(m[0].length);
        this.replies.push({ code: Number(m[1]), text: m[0].trim(), at });
      }
      this.wake?.();
    });
    const end = () => { this.closed = true; this.wake?.(); };
    sock.on('close', end);
    sock.on('error', end);
  }

  static async connect(port: number, localAddress?: string): Promise<RawSmtpClient> {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
    const c = new RawSmtpClient(sock);
    await c.expect(220);
    await c.command('EHLO bench.localhost', 250);
    return c;
  }

  async reply(timeoutMs = 30_000): Promise<{ code: number; text: string; at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.replies.shift();
      if (r) return r;
      if (this.closed) throw new Error('SMTP connection closed');
      if (Date.now() > deadline) throw new Error('SMTP reply timeout');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
      this.wake = null;
    }
  }

  async expect(code: number, timeoutMs?: number) {
    const r = await this.reply(timeoutMs);
    if (r.code !== code) throw new Error(`SMTP: expected ${code}, got ${r.text.slice(0, 200)}`);
    return r;
  }

  command(line: string, code: number) {
    this.sock.write(`${line}\r\n`);
    return this.expect(code);
  }

  /** Sends one message; resolves with the 250's read time, the time its data was written, and the queued id. */
  async send(to: string, message: string, replyTimeoutMs?: number): Promise<{ at: number; sentAt: number; id: string }> {
    await this.command('MAIL FROM:<bench@localhost>', 250);
    await this.command(`RCPT TO:<${to}>`, 250);
    await this.command('DATA', 354);
    const data = `${message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.\r\n`;
    const sentAt = performance.now();
    this.sock.write(data);
    const r = await this.expect(250, replyTimeoutMs);
    const m = /queued as (\S+)/.exec(r.text);
    if (!m) throw new Error(`no message id in "${r.text}"`);
    return { at: r.at, sentAt, id: m[1] };
  }

  close(): void {
    this.sock.end('QUIT\r\n');
    this.sock.destroy();
  }
}

/** A small realistic message (a sign-in code), unique per index. */
export function latencyMessage(to: string, i: number): string {
  const code = String(100000 + ((i * 7919) % 900000));
  return [
    'From: "Bench Service" <noreply@bench.invalid>',
    `To: <${to}>`,
    `Subject: Your sign-in code ${code}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <latency-${i}-${Date.now()}@bench.invalid>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello,',
    '',
    `Your verification code is ${code}. It expires in 10 minutes.`,
    'If you did not ask for it, ignore this message.',
    '',
  ].join('\n');
}

function summarise(samples: number[], replies: number[], beforeReply: number, lost: number): LatencyResult {
  return {
    reply: { p50: round(percentile(replies, 50)), p99: round(percentile(replies, 99)), max: round(Math.max(...replies)) },
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
    beforeReply,
    lost,
  };
}

/** Builds message `i` to `to` (default: latencyMessage). */
export type MessageBuilder = (to: string, i: number) => string;

/** Raw samples of one sequential run: 250 -> arrival (ms) and end of data -> 250 (ms) per message. */
export interface LatencySamples {
  samples: number[];
  replies: number[];
  beforeReply: number;
  lost: number;
}

/** Sends `n` messages one after another on one connection, each after the previous one arrived; `first` numbers them. */
async function sequentialSamples(svc: Service, mailbox: Mailbox, n: number, arrivals: Arrivals, build: MessageBuilder, first = 0): Promise<LatencySamples> {
  const client = await RawSmtpClient.connect(svc.smtpPort);
  const out: LatencySamples = { samples: [], replies: [], beforeReply: 0, lost: 0 };
  try {
    for (let i = first; i < first + n; i++) {
      const { at, sentAt, id } = await client.send(mailbox.email, build(mailbox.email, i));
      out.replies.push(at - sentAt);
      const arrived = await arrivals.wait(id, 10_000);
      if (arrived === null) {
        out.lost++;
        continue;
      }
      const ms = arrived - at;
      if (ms < 0) out.beforeReply++;
      out.samples.push(Math.max(0, ms));
    }
  } finally {
    client.close();
  }
  return out;
}

/** Summary of raw samples (several runs' may be pooled). */
export function summariseSamples(runs: LatencySamples[]): LatencyResult {
  const all = (pick: (r: LatencySamples) => number[]) => runs.flatMap(pick);
  return summarise(all((r) => r.samples), all((r) => r.replies), runs.reduce((n, r) => n + r.beforeReply, 0), runs.reduce((n, r) => n + r.lost, 0));
}

async function sequentialLatency(svc: Service, mailbox: Mailbox, n: number, arrivals: Arrivals, build: MessageBuilder = latencyMessage): Promise<LatencyResult> {
  return summariseSamples([await sequentialSamples(svc, mailbox, n, arrivals, build)]);
}

/** A WebSocket open on one mailbox, recording when each message.received arrives. */
async function openArrivals(svc: Service, mailbox: Mailbox): Promise<{ arrivals: Arrivals; ws: WebSocket }> {
  const arrivals = new Arrivals();
  const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/ws?${qs({ email: mailbox.email, token: mailbox.token })}`);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  ws.on('message', (data) => {
    const at = performance.now();
    const event = JSON.parse(data.toString()) as { event: string; id: string };
    if (event.event === 'message.received') arrivals.record(event.id, at);
  });
  return { arrivals, ws };
}

/** 250 -> WebSocket event, one sequential sender. */
export async function wsLatency(svc: Service, mailbox: Mailbox, n: number, build: MessageBuilder = latencyMessage): Promise<LatencyResult> {
  const { arrivals, ws } = await openArrivals(svc, mailbox);
  try {
    // Warm-up (JIT, caches), not counted.
    await sequentialLatency(svc, mailbox, Math.min(50, n), arrivals, build);
    return await sequentialLatency(svc, mailbox, n, arrivals, build);
  } finally {
    ws.close();
  }
}

/**
 * 250 -> WebSocket event in blocks: one WebSocket kept open, each `run(n)` a fresh SMTP
 * connection sending the next `n` messages (A/B benches interleave blocks of two services).
 */
export async function wsLatencyProbe(svc: Service, mailbox: Mailbox, build: MessageBuilder = latencyMessage): Promise<{ run(n: number): Promise<LatencySamples>; close(): void }> {
  const { arrivals, ws } = await openArrivals(svc, mailbox);
  let next = 0;
  return {
    async run(n) {
      const first = next;
      next += n;
      return sequentialSamples(svc, mailbox, n, arrivals, build, first);
    },
    close: () => ws.close(),
  };
}

/**
 * 250 -> webhook POST. Registers a webhook with a premium key; null when the service has no
 * webhooks yet (POST /v1/webhook.php answers 404).
 */
export async function webhookLatency(svc: Service, key: string, n: number): Promise<LatencyResult | { na: string }> {
  const arrivals = new Arrivals();
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString()) as { id?: string };
        if (event.id) arrivals.record(event.id, at);
      } catch { /* not an event */ }
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const addr = receiver.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    const gen = await fetch(`${svc.httpUrl}/v1/generate_email.php?${qs({ key, ttl: '86400' })}`);
    if (gen.status !== 200) return { na: `generate_email.php with a premium key answered ${gen.status}` };
    const { email } = (await gen.json()) as { email: string };
    const reg = await fetch(`${svc.httpUrl}/v1/webhook.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: qs({ key, email, url: `http://127.0.0.1:${port}/hook` }),
    });
    if (reg.status === 404) return { na: 'webhooks not available' };
    if (reg.status !== 200 && reg.status !== 201) return { na: `webhook.php answered ${reg.status}: ${(await reg.text()).slice(0, 200)}` };
    const mailbox = { email, token: '' };
    await sequentialLatency(svc, mailbox, Math.min(20, n), arrivals);
    return await sequentialLatency(svc, mailbox, n, arrivals);
  } finally {
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
}
