/**
 * The cost of metrics on the ingest path, A/B in one run: the same build started with
 * TEMPMAIL_METRICS=off (A) and with metrics on (B; /metrics scraped once a second meanwhile, as
 * Prometheus would), runs alternating and the order swapped each round so both see the same
 * machine. The figure judged is server CPU per message (service and parser processes, from
 * /proc), steadier than msg/s on a shared machine. A third side (C) has metrics on and
 * LOG_LEVEL=info: the per-transaction log line's cost, shown beside (the other sides log at warn).
 */
import { type Service, generateMailbox, startService } from './service.js';
import { smtpLoad } from './smtp-load.js';
import { type Stat, log, stat } from './util.js';

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
}

/** Scrapes /metrics every second until stopped; returns how many scrapes answered 200. */
function scraper(svc: Service): () => Promise<number> {
  let ok = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${svc.httpUrl}/metrics`);
        await res.text();
        if (res.status === 200) ok++;
      } catch { /* the next one */ }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    stopped = true;
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
  return {
    messages,
    cpuMsOff: stat(cpu.off),
    cpuMsOn: stat(cpu.on),
    cpuMsOnInfoLogs: stat(cpu.info),
    ratio: stat(cpu.on.map((x, i) => x / cpu.off[i])),
    ratioInfoLogs: stat(cpu.info.map((x, i) => x / cpu.off[i])),
    msgPerSecOff: stat(rate.off),
    msgPerSecOn: stat(rate.on),
  };
}
