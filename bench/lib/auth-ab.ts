/**
 * 250 -> WebSocket with sender authentication on vs off, in the same run, made to hold on a busy
 * machine: three services side by side (off, a second off as the control, on), the same
 * DKIM-signed messages to each, sent in short blocks that rotate between the three services
 * round after round, so each side sees the same machine within seconds. The figures are the
 * percentiles of every side's pooled samples (thousands: a p99 of one short run is its few
 * highest values), their ratios to the first off side, and the same per round. The control
 * (off2 / off) shows what the method cannot tell apart: a ratio of on / off within the control's
 * spread is "unchanged".
 *
 * The on side resolves through a DNS server on loopback that serves the sender's SPF, DKIM key
 * and DMARC policy, so its checks do the whole work (DNS, body hash, RSA verify) and pass.
 *
 * BENCH_AUTH_BUSY_LOOPS=N runs N busy loops (processes) beside the services for the whole A/B:
 * a busy machine made on purpose, inside the bench's own scheduling group (Linux gives each
 * session a group: other sessions' load does not compete with the services the same way).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { loadavg } from 'node:os';
import nodemailer from 'nodemailer';
import { startDnsServer } from '../../apps/server/test/helpers/dns-server.js';
import { type LatencyResult, type LatencySamples, summariseSamples, wsLatencyProbe } from './latency.js';
import { generateMailbox, qs, type Service, startService } from './service.js';
import { type Stat, log, round, stat } from './util.js';

const DOMAIN = 'bench-auth.test';
/** Distinct signed messages per mailbox (sent in turn): signing thousands would take minutes. */
const DISTINCT_MESSAGES = 200;
const SIDES = ['off', 'on', 'off2'] as const;
type Side = (typeof SIDES)[number];

/** `count` messages to `to` signed by DOMAIN (nodemailer's DKIM signing), built before any timing. */
async function signedMessages(to: string, count: number, privateKey: string): Promise<string[]> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: DOMAIN, keySelector: 'b1', privateKey } });
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const code = String(100000 + ((i * 7919) % 900000));
    const info = await transport.sendMail({
      from: `"Bench Service" <noreply@${DOMAIN}>`, to, subject: `Your sign-in code ${code}`,
      text: `Hello,\n\nYour verification code is ${code}. It expires in 10 minutes.\nIf you did not ask for it, ignore this message.\n`,
    });
    out.push((info.message as Buffer).toString('utf8'));
  }
  return out;
}

export interface AuthAB {
  rounds: number;
  blockMessages: number;
  /** Every side's samples pooled over the rounds. */
  off: LatencyResult;
  on: LatencyResult;
  control: LatencyResult;
  /** Pooled on / off and off2 / off. */
  onVsOff: { p50: number; p99: number };
  controlVsOff: { p50: number; p99: number };
  /** The same ratios per round (each round: one block per side). */
  perRound: { onVsOffP99: Stat; controlVsOffP99: Stat; onVsOffP50: Stat };
  /** Load average (1 min) when the A/B started and ended, and the busy loops run beside (BENCH_AUTH_BUSY_LOOPS). */
  load: { start: number; end: number; busyLoops: number };
  /** How many pooled samples were above each threshold (more events than p99 alone shows). */
  over: { ms: number[]; off: number[]; on: number[]; control: number[] };
  /** The checks of the on side's last message, as read.php shows them (they ran, and passed). */
  sample: { spf: string; dkim: string[]; dmarc: string } | null;
}

const ratioOf = (a: number, b: number) => round(a / b);
const THRESHOLDS_MS = [0.5, 1, 2, 5];

/** A busy loop that also ends by itself: after an hour, or once the bench that started it is gone. */
const BUSY_LOOP = 'const end = Date.now() + 3600e3; const parent = process.ppid;'
  + ' for (let i = 1; ; i++) if (i % 1e7 === 0 && (Date.now() > end || process.ppid !== parent)) break;';

/** `n` busy loops, each a process of its own; stopped by pid. */
function busyLoops(n: number): () => void {
  const loops: ChildProcess[] = [];
  for (let i = 0; i < n; i++) loops.push(spawn(process.execPath, ['-e', BUSY_LOOP], { stdio: 'ignore' }));
  return () => { for (const c of loops) c.kill('SIGKILL'); };
}

export async function authLatencyAB(rounds: number, blockMessages: number): Promise<AuthAB> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dns = await startDnsServer();
  dns.setTxt(DOMAIN, ['v=spf1 ip4:127.0.0.1 -all']);
  dns.setTxt(`b1._domainkey.${DOMAIN}`, [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]);
  dns.setTxt(`_dmarc.${DOMAIN}`, ['v=DMARC1; p=reject']);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const services: Record<Side, Service> = {
    off: await startService({ TEMPMAIL_AUTH_CHECKS: 'off' }),
    on: await startService({ TEMPMAIL_AUTH_CHECKS: 'on', TEMPMAIL_DNS_SERVERS: dns.address }),
    off2: await startService({ TEMPMAIL_AUTH_CHECKS: 'off' }),
  };
  const blocks: Record<Side, LatencySamples[]> = { off: [], on: [], off2: [] };
  const probes: Array<{ close(): void }> = [];
  let sample: AuthAB['sample'] = null;
  const busy = Math.max(0, Number(process.env.BENCH_AUTH_BUSY_LOOPS ?? 0) || 0);
  const load = { start: round(loadavg()[0]!), end: NaN, busyLoops: busy };
  const stopBusy = busyLoops(busy);
  try {
    const probeOf = {} as Record<Side, Awaited<ReturnType<typeof wsLatencyProbe>>>;
    const boxOf = {} as Record<Side, { email: string; token: string }>;
    for (const side of SIDES) {
      const box = await generateMailbox(services[side]);
      // To is a signed header: each mailbox gets its own signed copies (the same for every side).
      const list = await signedMessages(box.email, DISTINCT_MESSAGES, pem);
      probeOf[side] = await wsLatencyProbe(services[side], box, (_, i) => list[i % list.length]!);
      boxOf[side] = box;
      probes.push(probeOf[side]);
      await probeOf[side].run(50); // warm-up (JIT, caches, the DNS answers), not counted
    }
    for (let r = 0; r < rounds; r++) {
      // Rotated, so no side always follows the same one.
      const order = SIDES.map((_, i) => SIDES[(i + r) % SIDES.length]!);
      for (const side of order) {
        blocks[side].push(await probeOf[side].run(blockMessages));
        // The checks run in the on side's quiet moments, that is after its block: wait for them
        // here, so that they never run beside another side's block and slow it instead.
        if (side === 'on' && !(await lastVerdict(services.on, boxOf.on.email, boxOf.on.token))) throw new Error('the on side gave no verdict for its last message');
      }
      const p99 = (side: Side) => summariseSamples([blocks[side][r]!]).p99;
      log(`  250 -> WebSocket, round ${r + 1}/${rounds} (${order.join(', ')}): p99 off ${p99('off')}, on ${p99('on')}, off2 ${p99('off2')} ms; load ${round(loadavg()[0]!)}`);
    }
    sample = await lastVerdict(services.on, boxOf.on.email, boxOf.on.token);
  } finally {
    stopBusy();
    for (const p of probes) p.close();
    await Promise.all(SIDES.map((side) => services[side].stop()));
    await dns.close();
    load.end = round(loadavg()[0]!);
  }
  const off = summariseSamples(blocks.off);
  const on = summariseSamples(blocks.on);
  const control = summariseSamples(blocks.off2);
  const perRound = (a: Side, b: Side, pick: (x: LatencyResult) => number) =>
    stat(blocks[a].map((block, i) => pick(summariseSamples([block])) / pick(summariseSamples([blocks[b][i]!]))));
  const over = (side: Side) => THRESHOLDS_MS.map((t) => blocks[side].reduce((n, b) => n + b.samples.filter((v) => v > t).length, 0));
  return {
    rounds, blockMessages, off, on, control, load, sample,
    over: { ms: THRESHOLDS_MS, off: over('off'), on: over('on'), control: over('off2') },
    onVsOff: { p50: ratioOf(on.p50, off.p50), p99: ratioOf(on.p99, off.p99) },
    controlVsOff: { p50: ratioOf(control.p50, off.p50), p99: ratioOf(control.p99, off.p99) },
    perRound: { onVsOffP99: perRound('on', 'off', (x) => x.p99), controlVsOffP99: perRound('off2', 'off', (x) => x.p99), onVsOffP50: perRound('on', 'off', (x) => x.p50) },
  };
}

/** The authentication results of a mailbox's newest message, once known. */
async function lastVerdict(svc: Service, email: string, token: string): Promise<AuthAB['sample']> {
  for (let i = 0; i < 200; i++) {
    const list = (await (await fetch(`${svc.httpUrl}/api/inbox.php?${qs({ email, token, limit: '1' })}`)).json()) as Array<{ id: string }>;
    if (list[0]) {
      const m = (await (await fetch(`${svc.httpUrl}/api/read.php?${qs({ email, token, id: list[0].id })}`)).json()) as {
        authentication: { spf: { result: string }; dkim: Array<{ result: string }>; dmarc: { result: string } } | null;
      };
      if (m.authentication) return { spf: m.authentication.spf.result, dkim: m.authentication.dkim.map((d) => d.result), dmarc: m.authentication.dmarc.result };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}
