/**
 * The cost of metrics on the ingest path, two ways:
 *
 * - A/B in one run: the same build started with TEMPMAIL_METRICS=off (A) and with metrics on
 *   (B; /metrics scraped every SCRAPE_MS meanwhile, as Prometheus would), runs alternating and
 *   the order swapped each round so both see the same machine. The figure is server CPU per
 *   message (service and parser processes, from /proc), steadier than msg/s on a shared
 *   machine, yet on a loaded one it varies by more than the few percent judged. A third side (C)
 *   has metrics on and LOG_LEVEL=info: the per-transaction log line's cost (the others log at warn).
 * - In process: what the ingest path calls per message (counters and stage observations, as the
 *   service makes them) timed in a loop on the built code, against the CPU per message of A.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PromModule from '../../apps/server/src/metrics/prometheus.js';
import { type Service, generateMailbox, startService } from './service.js';
import { smtpLoad } from './smtp-load.js';
import { REPO_ROOT, type Stat, log, stat } from './util.js';

/** Prometheus's usual scrape interval. */
const SCRAPE_MS = 15_000;

export interface MetricsCost {
  messages: number;
  cpuMsOff: Stat;
  cpuMsOn: Stat;
  cpuMsOnInfoLogs: Stat;
  /** CPU per message, metrics on / off, per round. */
  ratio: Stat;
  /** The same with LOG_LEVEL=info / metrics off. */
  ratioInfoLogs: Stat;
  msgPerSecOff: Stat;
  msgPerSecOn: Stat;
  /** µs of metrics calls per message on the ingest path (in process), and that over A's CPU per message. */
  callsUsPerMessage: number;
  callsShareOfMessage: number;
}

/** µs per message of the calls the ingest path makes (one SMTP session of one message). */
async function callsPerMessageUs(): Promise<number> {
  const { createPrometheusMetrics } = (await import(pathToFileURL(path.join(REPO_ROOT, 'apps/server/dist/metrics/prometheus.js')).href)) as typeof PromModule;
  const m = createPrometheusMetrics();
  const once = (i: number) => {
    m.smtpSessionOpened();
    m.smtpReply('connect', 220);
    m.smtpReply('mail', 250);
    m.smtpReply('rcpt', 250);
    m.stage('parsed', 3 + (i % 7));
    m.stage('committed', 9 + (i % 11));
    m.smtpReply('data', 250);
    m.messageAccepted();
    m.stage('replied', 10 + (i % 13));
    m.stage('ws_sent', 11 + (i % 5));
    m.stage('webhook_answered', 20 + (i % 17));
  };
  for (let i = 0; i < 50_000; i++) once(i); // warm-up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 200_000;
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) once(i);
    const t = process.cpuUsage(t0);
    runs.push((t.user + t.system) / n);
  }
  return stat(runs).median;
}

/** Scrapes /metrics every SCRAPE_MS until stopped; returns how many answered 200. */
function scraper(svc: Service): () => Promise<number> {
  let ok = 0;
  let stopped = false;
  let pause: { timer: NodeJS.Timeout; done: () => void } | null = null;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${svc.httpUrl}/metrics`);
        await res.text();
        if (res.status === 200) ok++;
      } catch { /* the next one */ }
      if (!stopped) await new Promise<void>((done) => { pause = { timer: setTimeout(done, SCRAPE_MS), done }; });
    }
  })();
  return async () => {
    stopped = true;
    const p = pause as { timer: NodeJS.Timeout; done: () => void } | null;
    if (p) {
      clearTimeout(p.timer);
      p.done();
    }
    await loop;
    return ok;
  };
}

export async function metricsCost(runs: number, messages: number, body: number | string, sessions: number): Promise<MetricsCost> {
  const sides = {
    off: await startService({ TEMPMAIL_METRICS: 'off' }),
    on: await startService({ TEMPMAIL_METRICS: 'on' }),
    info: await startService({ TEMPMAIL_METRICS: 'on', LOG_LEVEL: 'info' }),
  };
  const cpu = { off: [] as number[], on: [] as number[], info: [] as number[] };
  const rate = { off: [] as number[], on: [] as number[], info: [] as number[] };
  try {
    const boxes = {
      off: await generateMailbox(sides.off), on: await generateMailbox(sides.on), info: await generateMailbox(sides.info),
    };
    // Warm-up: JIT, parser processes, SQLite caches.
    for (const side of ['off', 'on', 'info'] as const) await smtpLoad(sides[side].smtpPort, boxes[side].email, Math.min(500, messages), body, sessions);
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? (['off', 'on', 'info'] as const) : (['info', 'on', 'off'] as const);
      for (const side of order) {
        const stop = side === 'off' ? null : scraper(sides[side]);
        const t = await smtpLoad(sides[side].smtpPort, boxes[side].email, messages, body, sessions, 300, sides[side].pid);
        const scrapes = stop ? await stop() : 0;
        cpu[side].push(t.cpuMsPerMsg?.total ?? NaN);
        rate[side].push(t.msgPerSec);
        log(`  metrics A/B run ${r + 1} ${side}: ${t.msgPerSec} msg/s, CPU ${t.cpuMsPerMsg?.total} ms/msg${stop ? `, ${scrapes} scrapes` : ''}`);
      }
    }
  } finally {
    await Promise.all(Object.values(sides).map((s) => s.stop()));
  }
  const callsUsPerMessage = await callsPerMessageUs();
  const offMs = stat(cpu.off).median;
  log(`  metrics calls on the ingest path, in process: ${callsUsPerMessage} µs per message (${Math.round((callsUsPerMessage / 1000 / offMs) * 10000) / 100}% of ${offMs} ms CPU per message with metrics off)`);
  return {
    messages,
    callsUsPerMessage,
    callsShareOfMessage: callsUsPerMessage / 1000 / offMs,
    cpuMsOff: stat(cpu.off),
    cpuMsOn: stat(cpu.on),
    cpuMsOnInfoLogs: stat(cpu.info),
    ratio: stat(cpu.on.map((x, i) => x / cpu.off[i])),
    ratioInfoLogs: stat(cpu.info.map((x, i) => x / cpu.off[i])),
    msgPerSecOff: stat(rate.off),
    msgPerSecOn: stat(rate.on),
  };
}
