/**
 * The cost of metrics on the ingest path, two ways:
 *
 * - A/B in one run, made to hold on a busy machine: four services of the same build, `off`
 *   (TEMPMAIL_METRICS=off), `off2` (the same again: the control), `on` (metrics on, /metrics
 *   scraped every SCRAPE_MS, as Prometheus would) and `info` (metrics on and LOG_LEVEL=info: the
 *   per-transaction log line; the others log at warn). Each round loads all four at once with the
 *   same multipart mail, so each sees the same machine at the same moments (run one after the
 *   other, the same side's cost moved by 50 % between runs with the load of other work). The
 *   figure is CPU time per delivered message (service and parser processes, /proc utime+stime:
 *   time spent waiting for a core does not count), and the ratio to `off` per round; the
 *   control's ratio (off2 / off) shows what the method cannot resolve.
 * - In process: what the ingest path calls per message (counters and stage observations, as the
 *   service makes them) timed in a loop on the built code, against the CPU per message of off.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as PromModule from '../../apps/server/src/metrics/prometheus.js';
import { type Service, generateMailbox, startService } from './service.js';
import { smtpLoad } from './smtp-load.js';
import { REPO_ROOT, type Stat, log, round, stat } from './util.js';

/** Prometheus's usual scrape interval. */
const SCRAPE_MS = 15_000;

export interface MetricsCost {
  messages: number;
  rounds: number;
  cpuMsOff: Stat;
  cpuMsOn: Stat;
  cpuMsOnInfoLogs: Stat;
  cpuMsControl: Stat;
  /** CPU per message, metrics on / off, per round. */
  ratio: Stat;
  /** The same with LOG_LEVEL=info / metrics off. */
  ratioInfoLogs: Stat;
  /** The control: off2 / off per round (1 but for the method's noise). */
  ratioControl: Stat;
  msgPerSecOff: Stat;
  msgPerSecOn: Stat;
  /** Load average (1 min) when the A/B started and ended. */
  load: { start: number; end: number };
  /** µs of metrics calls per message on the ingest path (in process), and that over off's CPU per message. */
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

const SIDES = ['off', 'off2', 'on', 'info'] as const;
type Side = (typeof SIDES)[number];

export async function metricsCost(rounds: number, messages: number, body: number | string, sessions: number): Promise<MetricsCost> {
  const sides: Record<Side, Service> = {
    off: await startService({ TEMPMAIL_METRICS: 'off' }),
    off2: await startService({ TEMPMAIL_METRICS: 'off' }),
    on: await startService({ TEMPMAIL_METRICS: 'on' }),
    info: await startService({ TEMPMAIL_METRICS: 'on', LOG_LEVEL: 'info' }),
  };
  const cpu: Record<Side, number[]> = { off: [], off2: [], on: [], info: [] };
  const rate: Record<Side, number[]> = { off: [], off2: [], on: [], info: [] };
  const load = { start: round(loadavg()[0]!), end: NaN };
  const scrapers = [scraper(sides.on), scraper(sides.info)];
  try {
    const boxes = {} as Record<Side, { email: string }>;
    for (const side of SIDES) boxes[side] = await generateMailbox(sides[side]);
    // Warm-up: JIT, parser processes, SQLite caches.
    await Promise.all(SIDES.map((side) => smtpLoad(sides[side].smtpPort, boxes[side].email, Math.min(500, messages), body, sessions)));
    for (let r = 0; r < rounds; r++) {
      const done = await Promise.all(SIDES.map((side) => smtpLoad(sides[side].smtpPort, boxes[side].email, messages, body, sessions, 600, sides[side].pid)));
      SIDES.forEach((side, i) => {
        cpu[side].push(done[i]!.cpuMsPerMsg?.total ?? NaN);
        rate[side].push(done[i]!.msgPerSec);
      });
      const at = (side: Side) => cpu[side][r]!;
      log(`  metrics A/B round ${r + 1}/${rounds}, CPU ms/msg: off ${at('off')}, off2 ${at('off2')}, on ${at('on')}, on+info ${at('info')}`
        + ` (on/off ${round(at('on') / at('off'))}, off2/off ${round(at('off2') / at('off'))}); load ${round(loadavg()[0]!)}`);
    }
  } finally {
    const scrapes = await Promise.all(scrapers.map((stop) => stop()));
    log(`  metrics A/B: ${scrapes.join(' + ')} scrapes answered`);
    await Promise.all(Object.values(sides).map((s) => s.stop()));
    load.end = round(loadavg()[0]!);
  }
  const callsUsPerMessage = await callsPerMessageUs();
  const offMs = stat(cpu.off).median;
  log(`  metrics calls on the ingest path, in process: ${callsUsPerMessage} µs per message (${Math.round((callsUsPerMessage / 1000 / offMs) * 10000) / 100}% of ${offMs} ms CPU per message with metrics off)`);
  const per = (side: Side) => stat(cpu[side].map((x, i) => x / cpu.off[i]!));
  return {
    messages,
    rounds,
    callsUsPerMessage,
    callsShareOfMessage: callsUsPerMessage / 1000 / offMs,
    cpuMsOff: stat(cpu.off),
    cpuMsOn: stat(cpu.on),
    cpuMsOnInfoLogs: stat(cpu.info),
    cpuMsControl: stat(cpu.off2),
    ratio: per('on'),
    ratioInfoLogs: per('info'),
    ratioControl: per('off2'),
    msgPerSecOff: stat(rate.off),
    msgPerSecOn: stat(rate.on),
    load,
  };
}
