/**
 * Scale: memory with many live mailboxes, open WebSockets and held waits, and how ingest and reads
 * change as one mailbox fills up.
 */
import http from 'node:http';
import { WebSocket } from 'ws';
import { readLoad } from './read-load.js';
import { type Mailbox, type Service, generateMailbox, qs } from './service.js';
import { smtpLoad } from './smtp-load.js';
import { log, round, sleep } from './util.js';

export interface MailboxScale {
  count: number;
  wanted: number;
  createPerSec: number;
  rssStartMB: number;
  /** RSS after each tenth of the mailboxes, to see the slope. */
  rssCurveMB: Array<{ mailboxes: number; rssMB: number }>;
  rssEndMB: number;
  bytesPerMailbox: number;
  /** Bytes per mailbox over the second half only (flat = about 0). */
  bytesPerMailboxSecondHalf: number;
  failures: number;
}

const MB = 1024 * 1024;

/** How long to let the server settle before reading its RSS (the smoke run shortens it). */
export let settleMs = 1500;
export function setSettleMs(ms: number): void {
  settleMs = ms;
}

async function settledRss(svc: Service): Promise<number> {
  await sleep(settleMs);
  return svc.rss();
}

/**
 * Creates `count` mailboxes with `concurrency` generate calls in flight (or as many as fit in
 * `budgetSec`); keeps the first `keep`.
 */
export async function mailboxScale(svc: Service, wanted: number, keep: number, budgetSec: number, concurrency = 64): Promise<{ result: MailboxScale; kept: Mailbox[] }> {
  const rssStart = await settledRss(svc);
  const kept: Mailbox[] = [];
  const curve: Array<{ mailboxes: number; rssMB: number }> = [];
  let next = 0;
  let done = 0;
  let failures = 0;
  let count = wanted;
  const step = Math.max(1, Math.floor(count / 10));
  const started = performance.now();
  const deadline = started + budgetSec * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      if (performance.now() > deadline) {
        count = next; // out of time: report what was made
        break;
      }
      next++;
      try {
        const m = await generateMailbox(svc);
        if (kept.length < keep) kept.push(m);
      } catch {
        failures++;
      }
      done++;
      if (done % step === 0) curve.push({ mailboxes: done, rssMB: round(svc.rss() / MB) });
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  count = done;
  if (count < wanted) log(`  WARNING: only ${count} of ${wanted} mailboxes within ${budgetSec} s`);
  const rssEnd = await settledRss(svc);
  // Slope between the curve's middle and its last point (both sampled while creating).
  const half = curve.find((c) => c.mailboxes >= count / 2);
  const last = curve[curve.length - 1];
  const secondHalf = half && last && last.mailboxes > half.mailboxes ? ((last.rssMB - half.rssMB) * MB) / (last.mailboxes - half.mailboxes) : NaN;
  log(`  ${count} mailboxes in ${seconds.toFixed(1)} s; RSS ${(rssStart / MB).toFixed(0)} -> ${(rssEnd / MB).toFixed(0)} MB`);
  return {
    kept,
    result: {
      count,
      wanted,
      createPerSec: Math.round(count / seconds),
      rssStartMB: round(rssStart / MB),
      rssCurveMB: curve,
      rssEndMB: round(rssEnd / MB),
      bytesPerMailbox: Math.round((rssEnd - rssStart) / count),
      bytesPerMailboxSecondHalf: Math.round(secondHalf),
      failures,
    },
  };
}

export interface SocketScale {
  count: number;
  openPerSec: number;
  rssBeforeMB: number;
  rssOpenMB: number;
  bytesPerSocket: number;
  failures: number;
  failureReasons: Record<string, number>;
}

/** WebSockets opened on the service: how many failed and why. */
export interface OpenSockets {
  sockets: WebSocket[];
  failures: number;
  failureReasons: Record<string, number>;
  seconds: number;
}

/** Opens `count` idle WebSockets, one per mailbox in turn, `concurrency` handshakes at a time. */
export async function openSockets(svc: Service, mailboxes: Mailbox[], count: number, concurrency = 100): Promise<OpenSockets> {
  const sockets: WebSocket[] = [];
  const base = svc.httpUrl.replace('http', 'ws');
  let next = 0;
  let failures = 0;
  const reasons = new Map<string, number>();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const m = mailboxes[next++ % mailboxes.length];
      // A connect that fails is tried once more (and counted); an HTTP refusal is not retried.
      for (let attempt = 0; attempt < 2; attempt++) {
        const ws = new WebSocket(`${base}/ws?${qs({ email: m.email, token: m.token })}`);
        ws.on('error', () => {});
        const why = await new Promise<string | null>((resolve) => {
          ws.once('open', () => resolve(null));
          ws.once('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
          ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
        });
        if (why === null) {
          sockets.push(ws);
          break;
        }
        failures++;
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
        if (why.startsWith('HTTP')) break;
      }
    }
  }));
  return { sockets, failures, failureReasons: Object.fromEntries(reasons), seconds: (performance.now() - started) / 1000 };
}

/** Opens one WebSocket per mailbox (up to `count`), measures RSS, then closes them. */
export async function socketScale(svc: Service, mailboxes: Mailbox[], count: number, concurrency = 100): Promise<SocketScale> {
  const rssBefore = await settledRss(svc);
  const { sockets, failures, failureReasons, seconds } = await openSockets(svc, mailboxes, count, concurrency);
  const rssOpen = await settledRss(svc);
  const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  for (const s of sockets) s.terminate();
  if (failures) log(`  ${failures} WebSockets failed: ${JSON.stringify(failureReasons)}`);
  log(`  ${open} WebSockets open; RSS ${(rssBefore / MB).toFixed(0)} -> ${(rssOpen / MB).toFixed(0)} MB`);
  await sleep(500);
  return {
    count: open,
    openPerSec: Math.round(sockets.length / seconds),
    rssBeforeMB: round(rssBefore / MB),
    rssOpenMB: round(rssOpen / MB),
    bytesPerSocket: open ? Math.round((rssOpen - rssBefore) / open) : NaN,
    failures,
    failureReasons,
  };
}

export interface DepthPoint {
  messages: number;
  ingestMsgPerSec: number;
  inboxRps: number;
  readRps: number;
}

/**
 * Fills one mailbox to each level (4 KB plain mail over SMTP), then measures a burst of ingest
 * into it and inbox.php / read.php against it.
 */
export async function depthScale(svc: Service, levels: number[], burst: number, readSeconds: number): Promise<DepthPoint[]> {
  const mailbox = await generateMailbox(svc);
  const points: DepthPoint[] = [];
  let held = 0;
  for (const level of levels) {
    if (level > held) {
      await smtpLoad(svc.smtpPort, mailbox.email, level - held, 4096);
      held = level;
    }
    const ingest = await smtpLoad(svc.smtpPort, mailbox.email, burst, 4096);
    held += burst;
    const inboxUrl = `${svc.httpUrl}/api/inbox.php?${qs({ email: mailbox.email, token: mailbox.token })}`;
    const list = (await (await fetch(inboxUrl)).json()) as Array<{ id: string }>;
    const readUrl = `${svc.httpUrl}/api/read.php?${qs({ email: mailbox.email, token: mailbox.token, id: list[list.length - 1].id })}`;
    const inbox = await readLoad(inboxUrl, readSeconds);
    const read = await readLoad(readUrl, readSeconds);
    points.push({ messages: level, ingestMsgPerSec: ingest.msgPerSec, inboxRps: inbox.rps, readRps: read.rps });
    log(`  mailbox with ${level} (+${burst}) messages: ingest ${ingest.msgPerSec} msg/s, inbox ${inbox.rps} req/s, read ${read.rps} req/s`);
  }
  return points;
}

export interface WaitScale {
  count: number;
  rssBeforeMB: number;
  rssHeldMB: number;
  bytesPerWait: number;
  failures: number;
}

/** wait.php requests held on the service (sent, not answered). */
export interface HeldWaits {
  requests: http.ClientRequest[];
  /** Answered before we let go (not held), or failed to send. */
  failures(): number;
  /** Drops every request (the server sees its clients go away). */
  release(): void;
}

/** Sends `count` anonymous wait.php requests (60 s each, spread over `mailboxes`), one connection each. */
export async function holdWaits(svc: Service, mailboxes: Mailbox[], count: number, concurrency = 100): Promise<HeldWaits> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: http.ClientRequest[] = [];
  let failures = 0;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const m = mailboxes[next++ % mailboxes.length];
      const req = http.get(`${svc.httpUrl}/api/wait.php?${qs({ email: m.email, token: m.token, timeout: '60' })}`, { agent });
      req.on('error', () => {}); // our own destroy() at the end
      req.on('response', (res) => { failures++; res.resume(); }); // an answer before we let go: not held
      // Sent (headers flushed on a connected socket): the server holds it from here.
      await new Promise<void>((resolve) => {
        req.once('finish', () => resolve());
        req.once('error', () => { failures++; resolve(); });
      });
      requests.push(req);
    }
  }));
  return {
    requests,
    failures: () => failures,
    release() {
      for (const r of requests) r.destroy();
      agent.destroy();
    },
  };
}

/**
 * Holds `count` anonymous wait.php requests (60 s each, spread over `mailboxes`), one connection
 * each, reads the server's settled RSS, then drops them: the idle cost of a held wait, to set
 * beside socketScale's bytes per open WebSocket.
 */
export async function waitScale(svc: Service, mailboxes: Mailbox[], count: number, concurrency = 100): Promise<WaitScale> {
  const rssBefore = await settledRss(svc);
  const waits = await holdWaits(svc, mailboxes, count, concurrency);
  const rssHeld = await settledRss(svc);
  const refused = waits.failures();
  const held = waits.requests.length - refused;
  waits.release();
  log(`  ${held} waits held; RSS ${(rssBefore / MB).toFixed(0)} -> ${(rssHeld / MB).toFixed(0)} MB`);
  await sleep(500);
  return { count: held, rssBeforeMB: round(rssBefore / MB), rssHeldMB: round(rssHeld / MB), bytesPerWait: held ? Math.round((rssHeld - rssBefore) / held) : NaN, failures: refused };
}
