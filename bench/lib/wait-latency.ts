/**
 * 250 -> wait.php answer: a wait is held on the mailbox (confirmed by `tempmail_waits_pending`
 * before anything is sent), one message is sent on a raw SMTP connection, and the time from
 * reading its `250` to reading the wait's whole answer is the sample. Two ways of holding:
 * each wait on a connection of its own (the wait front holds it, `tempmail_wait_front_held`
 * says so), and every wait on one connection that first carried another request (node:http
 * holds it). Sequential, like the WebSocket measure it is reported beside.
 */
import http from 'node:http';
import { scrapeMetrics } from '../../apps/server/test/helpers/prometheus-text.js';
import { latencyMessage, RawSmtpClient } from './latency.js';
import { type Mailbox, type Service, generateMailbox, qs } from './service.js';
import { percentile, round, sleep } from './util.js';

export type WaitHolder = 'front' | 'node:http';

export interface WaitLatency {
  holder: WaitHolder;
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Resolves once the service holds one wait, by the expected holder; throws if the other holds it. */
async function heldBy(svc: Service, holder: WaitHolder): Promise<void> {
  for (;;) {
    const metrics = await scrapeMetrics(svc.httpUrl);
    if (metrics.value('tempmail_waits_pending') === 1) {
      const front = metrics.value('tempmail_wait_front_held');
      if ((front === 1) !== (holder === 'front')) throw new Error(`wait held by the wrong side (front ${front}, expected ${holder})`);
      return;
    }
    await sleep(2);
  }
}

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string; at: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), at: performance.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** `n` sequential samples (after a few unmeasured ones) with waits held by `holder`. */
export async function waitLatency(svc: Service, n: number, holder: WaitHolder): Promise<WaitLatency> {
  const box: Mailbox = await generateMailbox(svc);
  // One connection for everything (its first request an ordinary one), or a new one per wait.
  const agent = holder === 'front' ? new http.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  if (holder === 'node:http') await get(`${svc.httpUrl}/healthz`, agent);
  const smtp = await RawSmtpClient.connect(svc.smtpPort);
  const samples: number[] = [];
  let since: string | undefined;
  try {
    const warmUp = Math.min(20, n);
    for (let i = 0; i < warmUp + n; i++) {
      const params: Record<string, string> = { token: box.token, email: box.email, timeout: '30' };
      if (since) params.since = since;
      const answer = get(`${svc.httpUrl}/api/wait.php?${qs(params)}`, agent);
      await heldBy(svc, holder);
      const { at } = await smtp.send(box.email, latencyMessage(box.email, i));
      const res = await answer;
      if (res.status !== 200) throw new Error(`wait.php answered ${res.status}: ${res.body.slice(0, 200)}`);
      since = (JSON.parse(res.body) as { id: string }).id;
      if (i >= warmUp) samples.push(Math.max(0, res.at - at));
    }
  } finally {
    smtp.close();
    agent.destroy();
  }
  return { holder, n: samples.length, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), max: round(Math.max(...samples)) };
}
