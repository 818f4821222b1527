/**
 * Keeps `npm run bench` from rotting: runs it in its tiny smoke size and checks that the JSON
 * has every section with positive numbers. No speed assertions (the figures are the bench's job).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const positive = (x: unknown, what: string) => assert.ok(typeof x === 'number' && x > 0 && Number.isFinite(x), `${what} should be a positive number, got ${x}`);
const positiveStat = (s: { median: number; min: number; max: number } | undefined, what: string) => {
  assert.ok(s, `${what} is missing`);
  positive(s.median, `${what}.median`);
  positive(s.min, `${what}.min`);
  positive(s.max, `${what}.max`);
};

test('npm run bench (smoke size) writes every section with positive numbers', { timeout: 1_800_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-bench-smoke-'));
  const out = path.join(dir, 'smoke.json');
  try {
    const { stdout } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
        cwd: ROOT, env: { ...process.env, BENCH_PG: '', DATABASE_URL: '', REDIS_URL: '' }, timeout: 1_790_000, maxBuffer: 16 * 1024 * 1024,
      }, (err, so, se) => (err ? reject(new Error(`bench failed: ${err.message}\n${se.slice(-3000)}`)) : resolve({ stdout: so, stderr: se })));
    });
    assert.match(stdout, /section\s+measure\s+median/, 'the table is printed');
    const r = JSON.parse(readFileSync(out, 'utf8'));

    assert.equal(r.meta.quick, true);
    positive(r.meta.machine.nproc, 'meta.machine.nproc');

    const smtpSkipped = typeof r.ingest?.skipped === 'string';
    if (smtpSkipped) {
      process.stderr.write(`bench smoke: SMTP load skipped: ${r.ingest.skipped}\n`);
      assert.ok(!process.env.CI || process.env.CI === 'false', 'CI must have smtp-source (scripts/ensure-deps.sh)');
    } else {
      for (const p of ['plain4k', 'multipart28k']) {
        positiveStat(r.ingest[p].service, `ingest.${p}.service`);
        positiveStat(r.ingest[p].sink, `ingest.${p}.sink`);
        positiveStat(r.ingest[p].ratio, `ingest.${p}.ratio`);
      }
      // The reference points for the multipart load (Postfix smtp-sink ships with smtp-source).
      positiveStat(r.ingest.multipart28k.parseOnly, 'ingest.multipart28k.parseOnly');
      positiveStat(r.ingest.multipart28k.ratioToParseOnly, 'ingest.multipart28k.ratioToParseOnly');
      positiveStat(r.ingest.multipart28k.postfixSink, 'ingest.multipart28k.postfixSink');
      for (const p of ['inbox', 'read']) {
        positiveStat(r.read[p].service, `read.${p}.service`);
        positiveStat(r.read[p].baseline, `read.${p}.baseline`);
      }
      // The metrics A/B (TEMPMAIL_METRICS=off vs on): figures only, the bench judges the 3%.
      positiveStat(r.metrics.cpuMsOff, 'metrics.cpuMsOff');
      positiveStat(r.metrics.cpuMsOn, 'metrics.cpuMsOn');
      positiveStat(r.metrics.ratio, 'metrics.ratio');
      positiveStat(r.metrics.ratioControl, 'metrics.ratioControl');
      positiveStat(r.latency.ws.heavy.p99, 'latency.ws.heavy.p99');
      positiveStat(r.latency.ws.bigMail.reply.max, 'latency.ws.bigMail.reply.max');
      assert.equal(r.latency.ws.bigMail.lost, 0, 'every small message reached the WebSocket while big ones arrived');
      assert.ok(Array.isArray(r.scale.depth) && r.scale.depth.length > 0, 'scale.depth');
      for (const d of r.scale.depth) {
        positive(d.ingestMsgPerSec, 'depth ingest');
        positive(d.inboxRps, 'depth inbox');
        positive(d.readRps, 'depth read');
      }
    }
    positiveStat(r.latency.ws.light.p99, 'latency.ws.light.p99');
    // Sender authentication on vs off (issue 21): every side measured, nothing lost, and the on side's checks ran.
    for (const side of ['off', 'on', 'control']) positive(r.authLatency[side].p99, `authLatency.${side}.p99`);
    assert.equal(r.authLatency.on.lost + r.authLatency.off.lost + r.authLatency.control.lost, 0, 'every message reached the WebSocket, checks on or off');
    assert.equal(r.authLatency.sample?.dmarc, 'pass', 'the checks ran on the on side and passed');
    positiveStat(r.latency.ws.replyLight.p99, 'latency.ws.replyLight.p99');
    assert.equal(r.latency.ws.light.lost, 0, 'every message reached the WebSocket');
    if (!('na' in r.latency.webhook)) positiveStat(r.latency.webhook.p99, 'latency.webhook.p99');
    if (!smtpSkipped && !('na' in r.latency.webhook)) positiveStat(r.latency.webhookUnderLoad?.p99, 'latency.webhookUnderLoad.p99');

    positive(r.scale.mailboxes.count, 'scale.mailboxes.count');
    positive(r.scale.mailboxes.createPerSec, 'scale.mailboxes.createPerSec');
    positive(r.scale.mailboxes.rssEndMB, 'scale.mailboxes.rssEndMB');
    positive(r.scale.websockets.count, 'scale.websockets.count');
    positive(r.scale.websockets.rssOpenMB, 'scale.websockets.rssOpenMB');

    // Held waits (issue 15): the idle cost held by the wait front and in node:http, and 250 -> wait answer by each.
    for (const k of ['waits', 'waitsInNodeHttp', 'websockets']) positive(r.scale.idle[k].count, `scale.idle.${k}.count`);
    for (const holder of ['front', 'node:http']) positiveStat(r.latency.waits[holder].p99, `latency.waits.${holder}.p99`);

    positive(r.extraction.usPerMessage, 'extraction.usPerMessage');
    positive(r.extraction.usPerSample, 'extraction.usPerSample');
    for (const p of ['plain4k', 'multipart28k']) {
      if (!smtpSkipped && process.platform === 'linux') positiveStat(r.ingest[p].serviceCpuMs?.total, `ingest.${p}.serviceCpuMs.total`); // from /proc
    }
    for (const set of ['sample28k', 'corpus']) {
      for (const k of ['postalMime', 'postalMimeFastPaths', 'mailparser', 'serverParseMail']) positive(r.parse[set][k], `parse.${set}.${k}`);
    }
    assert.ok(r.backends, 'backends section present (n/a unless requested)');
    if ('na' in r.web) assert.ok(!process.env.CI || process.env.CI === 'false', `CI must have Chromium: ${r.web.na}`);
    else {
      positiveStat(r.web.kb, 'web.kb');
      positiveStat(r.web.addressMs, 'web.addressMs');
      assert.ok(r.web.files >= 3, 'HTML, JS and CSS counted');
    }
    assert.ok(Array.isArray(r.table) && r.table.length > 10, 'table rows');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
