/**
 * 250 -> WebSocket with sender authentication on vs off, in the same run: two services side by
 * side (A: TEMPMAIL_AUTH_CHECKS=off, B: on), runs alternating A and B, the same DKIM-signed
 * messages to both. B resolves through a DNS server on loopback that serves the sender's SPF,
 * DKIM key and DMARC policy, so its checks do the whole work (DNS, body hash, RSA verify) and
 * pass. The checks run after the 250 and the push: the p99s should match.
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { startDnsServer } from '../../apps/server/test/helpers/dns-server.js';
import { type LatencyResult, wsLatency } from './latency.js';
import { generateMailbox, qs, type Service, startService } from './service.js';
import { log } from './util.js';

const DOMAIN = 'bench-auth.test';

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
  off: LatencyResult[];
  on: LatencyResult[];
  /** The checks of B's last message, as read.php shows them (they ran, and passed). */
  sample: { spf: string; dkim: string[]; dmarc: string } | null;
}

export async function authLatencyAB(runs: number, messages: number): Promise<AuthAB> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dns = await startDnsServer();
  dns.setTxt(DOMAIN, ['v=spf1 ip4:127.0.0.1 -all']);
  dns.setTxt(`b1._domainkey.${DOMAIN}`, [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]);
  dns.setTxt(`_dmarc.${DOMAIN}`, ['v=DMARC1; p=reject']);
  // To is a signed header: each mailbox gets its own signed copies (the same for A and B).
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const builderFor = async (to: string) => {
    const list = await signedMessages(to, messages + 50, pem);
    return (_: string, i: number) => list[i % list.length]!;
  };
  const off: LatencyResult[] = [];
  const on: LatencyResult[] = [];
  const a = await startService({ TEMPMAIL_AUTH_CHECKS: 'off' });
  const b = await startService({ TEMPMAIL_AUTH_CHECKS: 'on', TEMPMAIL_DNS_SERVERS: dns.address });
  let sample: AuthAB['sample'] = null;
  try {
    for (let r = 0; r < runs; r++) {
      for (const [side, svc, into] of [['off', a, off], ['on', b, on]] as Array<[string, Service, LatencyResult[]]>) {
        const box = await generateMailbox(svc);
        const res = await wsLatency(svc, box, messages, await builderFor(box.email));
        into.push(res);
        log(`  250 -> WebSocket, authentication ${side}, run ${r + 1}: p50 ${res.p50} ms, p99 ${res.p99} ms`);
        if (side === 'on') sample = (await lastVerdict(svc, box.email, box.token)) ?? sample;
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await dns.close();
  }
  return { off, on, sample };
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
