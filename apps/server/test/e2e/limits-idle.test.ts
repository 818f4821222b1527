/**
 * Many idle SMTP connections: 2,000 of them, spread over 100 source addresses in 127.0.0.0/8 so
 * that the per-address cap does not hide the test, while a real client still gets its 220 and
 * HTTP still answers. Greeting latencies are printed here and measured by `npm run bench`. Also the total cap,
 * TEMPMAIL_SMTP_MAX_CLIENTS.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type RawSmtp, rawSmtp } from '../helpers/smtp-client.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { deliver, newBox, plainMessage, session, sessionOnceFreed, sleep } from './limits-helpers.js';

const IDLE = 2000;
const SOURCES = 100;

/** Milliseconds from connect() to the 220 greeting. */
async function greetingLatency(port: number, localAddress?: string): Promise<number> {
  const started = performance.now();
  const s = await rawSmtp(port, '127.0.0.1', localAddress);
  const r = await s.reply();
  const took = performance.now() - started;
  assert.equal(r.code, 220);
  s.close();
  return took;
}

describe(`SMTP: ${IDLE} idle connections`, () => {
  let svc: ServiceHandle;
  const idle: RawSmtp[] = [];
  before(async () => {
    const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
    assert.ok(Number.isNaN(limit) || limit > IDLE + 500, `ulimit -n is ${limit}: too low for ${IDLE} connections`);
    svc = await startService({});
  });
  after(async () => {
    for (const s of idle) s.close();
    await svc.stop();
  });

  it(`a real client gets its 220 while ${IDLE} idle connections are open`, async () => {
    const baseline = await greetingLatency(svc.smtpPort);
    const opening = performance.now();
    const during: number[] = [];
    const probe = (async () => {
      while (idle.length < IDLE) {
        during.push(await greetingLatency(svc.smtpPort, '127.0.0.2'));
        await sleep(50);
      }
    })();
    for (let batch = 0; batch < IDLE; batch += 250) {
      const opened = await Promise.all(Array.from({ length: 250 }, async (_, i) => {
        const n = batch + i;
        const s = await rawSmtp(svc.smtpPort, '127.0.0.1', `127.0.${10 + (n % SOURCES)}.${1 + Math.floor(n / SOURCES)}`);
        assert.equal((await s.reply()).code, 220);
        return s;
      }));
      idle.push(...opened);
    }
    await probe;
    const openedIn = performance.now() - opening;
    const after: number[] = [];
    for (let i = 0; i < 10; i++) after.push(await greetingLatency(svc.smtpPort, '127.0.0.3'));
    const healthStart = performance.now();
    assert.equal((await fetch(`${svc.httpUrl}/healthz`)).status, 200);
    const health = performance.now() - healthStart;
    const box = await newBox(svc);
    const delivered = performance.now();
    assert.equal((await deliver(svc.smtpPort, [box.email], plainMessage('still delivering'))).code, 250);
    const deliveryMs = performance.now() - delivered;

    const fmt = (xs: number[]) => `max ${Math.max(...xs).toFixed(0)} ms, median ${xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms`;
    console.log(`# ${IDLE} idle connections from ${SOURCES} addresses opened in ${openedIn.toFixed(0)} ms`);
    console.log(`# 220 latency: alone ${baseline.toFixed(0)} ms; while opening (${during.length} probes) ${fmt(during)}; with ${IDLE} open ${fmt(after)}`);
    console.log(`# /healthz ${health.toFixed(0)} ms, a whole delivery ${deliveryMs.toFixed(0)} ms with ${IDLE} idle connections`);
    assert.ok(during.length > 0, 'greeted while the idle connections were opening');

    // The idle ones are still served (a sample answers NOOP).
    for (const s of idle.filter((_, i) => i % 100 === 0)) assert.equal((await s.command('NOOP')).code, 250);
  });
});

describe('SMTP: TEMPMAIL_SMTP_MAX_CLIENTS caps connections in total', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_SMTP_MAX_CLIENTS: '10' }); });
  after(async () => { await svc.stop(); });

  it('the 11th connection gets 421, from any address', async () => {
    const held = [];
    for (let i = 0; i < 10; i++) held.push(await session(svc.smtpPort, `127.0.3.${i + 1}`));
    const extra = await rawSmtp(svc.smtpPort, '127.0.0.1', '127.0.4.1');
    assert.equal((await extra.reply()).code, 421);
    await extra.closed;
    held.pop()!.close();
    (await sessionOnceFreed(svc.smtpPort, '127.0.4.1')).close();
    for (const s of held) s.close();
  });
});
