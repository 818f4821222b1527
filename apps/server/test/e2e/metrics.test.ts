/**
 * GET /metrics end to end: a scripted run against a real service (real SMTP sessions, a real
 * WebSocket subscriber, a real webhook receiver on loopback, a held wait.php, a mailbox swept at
 * its expiry), then a scrape: every counter and histogram moved by what the run did. Also the
 * access rule (loopback, else the bearer token; proxied requests need the token), TEMPMAIL_METRICS=off,
 * and the same metric names on a PostgreSQL + Redis node as on a SQLite one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { parseScrape, type Scrape } from '../helpers/prometheus-text.js';
import { freePort, REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';
import { dropSchemas, requirePostgres, requireRedis, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../contract/services.js';
import { bigHtml, deliver } from './limits-helpers.js';

const TOKEN = randomBytes(24).toString('base64url');

async function scrape(svc: ServiceHandle): Promise<Scrape> {
  const res = await fetch(`${svc.httpUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseScrape(await res.text());
}

/** A webhook receiver: 200 on /ok, 500 on /fail; records the paths it was sent. */
async function receiver() {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url ?? '');
      res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    count: (p: string) => hits.filter((h) => h === p).length,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('GET /metrics after a scripted run (SQLite node)', () => {
  let svc: ServiceHandle;
  let rx: Awaited<ReturnType<typeof receiver>>;
  let key: string;
  let before0: Scrape;
  let after1: Scrape;
  const d = (name: string, labels?: Record<string, string>) => after1.value(name, labels) - before0.value(name, labels);
  /** What the run did, counted by the test itself. */
  const did = { sessions: 0, data250: 0, rcpt550: 0, dataRefused: 0, keptRaw: 0, wsPushed: 0, webhookOk: 0, webhookDelivered: 0, webhookFailed: 0, refusals429: 0, swept: 0 };

  before(async () => {
    rx = await receiver();
    svc = await startService({
      TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS: '100',
      // A failed attempt is retried no sooner than 15 s later: the run sees the first one only.
      TEMPMAIL_WEBHOOK_RETRY_BASE_MS: '30000',
      TEMPMAIL_PARSE_TIMEOUT_MS: '100',
      TEMPMAIL_SMTP_BARE_LF: 'reject',
      TEMPMAIL_FAILED_AUTH_RATE: '2',
      TEMPMAIL_MIN_TTL_SECONDS: '1',
      TEMPMAIL_KEY_EPOCH_SECONDS: '1',
      TEMPMAIL_RATE_PREMIUM: '100000',
    });
    key = await createKey(svc, 'premium');
  });
  after(async () => {
    await svc?.stop();
    await rx?.close();
  });

  it('every counter and histogram moved by what the run did', async () => {
    const gen = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`);
    assert.equal(gen.status, 200);
    const email = gen.body.email as string;
    const domain = email.split('@')[1];
    const hook = await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key, email, url: rx.url('/ok') }) });
    assert.equal(hook.status, 200, JSON.stringify(hook.body));
    const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/v1/ws?${qs({ key, email })}`);
    const frames: string[] = [];
    ws.on('message', (m) => frames.push(m.toString()));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    before0 = await scrape(svc);
    assert.equal(before0.value('tempmail_websockets_open'), 1);

    // A held wait.php shows as pending until a message answers it.
    const held = http(`${svc.httpUrl}/v1/wait.php?${qs({ key, email, timeout: 60 })}`);
    await eventually(async () => (await scrape(svc)).value('tempmail_waits_pending') === 1);

    // Three ordinary messages (nodemailer: one session each).
    for (let i = 0; i < 3; i++) {
      await sendMail(svc.smtpPort, { to: email, subject: `m${i}`, text: `Your code is 40${i}123.` });
      did.sessions++;
      did.data250++;
      did.wsPushed++;
      did.webhookOk++;
      did.webhookDelivered++;
    }
    assert.equal((await held).status, 200);
    // One kept raw: 20 MB of HTML outlasts TEMPMAIL_PARSE_TIMEOUT_MS in the large lane.
    assert.equal((await deliver(svc.smtpPort, [email], bigHtml(20, 'slow to parse'))).code, 250);
    did.sessions++;
    did.data250++;
    did.keptRaw++;
    did.wsPushed++;
    did.webhookOk++;
    did.webhookDelivered++;
    // An unknown recipient: 550 at RCPT TO.
    assert.equal((await deliver(svc.smtpPort, [`nobody-${randomBytes(4).toString('hex')}@${domain}`], 'Subject: x\r\n\r\nx\r\n')).code, 550);
    did.sessions++;
    did.rcpt550++;
    // A bare LF under TEMPMAIL_SMTP_BARE_LF=reject: refused at the end of DATA.
    const bare = await deliver(svc.smtpPort, [email], 'Subject: bare\n\nline\n');
    assert.ok(bare.code >= 500, `bare LF refused: ${bare.code} ${bare.text}`);
    did.sessions++;
    did.dataRefused++;

    // A mailbox expiring in a second, swept with its epoch's key.
    const short = await http(`${svc.httpUrl}/api/generate_email.php?${qs({ ttl: 1 })}`);
    assert.equal(short.status, 200);
    did.swept++;
    await eventually(async () => (await scrape(svc)).value('tempmail_mailboxes_swept_total') - before0.value('tempmail_mailboxes_swept_total') >= did.swept);
    // its epoch's key goes in the sweep after the epoch ends, which may be the next one
    await eventually(async () => (await scrape(svc)).value('tempmail_key_epochs_destroyed_total') - before0.value('tempmail_key_epochs_destroyed_total') >= 1);

    await eventually(async () => frames.length >= did.wsPushed && rx.count('/ok') >= did.webhookOk);

    // A webhook whose receiver fails: one failed attempt, and its row stays in the outbox.
    const gen2 = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`);
    const email2 = gen2.body.email as string;
    assert.equal((await http(`${svc.httpUrl}/v1/webhook.php`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key, email: email2, url: rx.url('/fail') }) })).status, 200);
    await sendMail(svc.smtpPort, { to: email2, subject: 'to a failing hook', text: 'hello' });
    did.sessions++;
    did.data250++;
    did.webhookOk++; // "answered": a 500 is an answer too
    await eventually(async () => rx.count('/fail') >= 1);
    // The attempt is settled (and counted) just after the receiver answered.
    await eventually(async () => (await scrape(svc)).value('tempmail_webhook_deliveries_total', { outcome: 'failed' }) - before0.value('tempmail_webhook_deliveries_total', { outcome: 'failed' }) >= 1);
    // Rate limit: unknown keys from this address, past TEMPMAIL_FAILED_AUTH_RATE (last: this
    // address may then look up no key at all for a while).
    for (let i = 0; i < 4; i++) {
      const r = await http(`${svc.httpUrl}/v1/mailboxes.php?${qs({ key: `tm_bad${i}` })}`);
      if (r.status === 429) did.refusals429++;
    }
    assert.ok(did.refusals429 > 0);

    const failedSeen = rx.count('/fail');
    after1 = await scrape(svc);
    did.webhookFailed = failedSeen;

    assert.equal(d('tempmail_smtp_sessions_total'), did.sessions, 'sessions');
    assert.equal(d('tempmail_smtp_replies_total', { step: 'data', code: '250' }), did.data250, 'DATA 250');
    assert.equal(d('tempmail_smtp_replies_total', { step: 'rcpt', code: '550' }), did.rcpt550, 'RCPT 550');
    assert.equal(after1.sum('tempmail_smtp_replies_total', { step: 'data' }) - before0.sum('tempmail_smtp_replies_total', { step: 'data' }), did.data250 + did.dataRefused, 'every end of DATA answered is counted');
    assert.equal(d('tempmail_smtp_replies_total', { step: 'connect', code: '220' }), did.sessions, 'greetings');
    assert.equal(d('tempmail_messages_accepted_total'), did.data250, 'accepted');
    assert.equal(d('tempmail_messages_rejected_total'), did.dataRefused, 'rejected');
    assert.equal(d('tempmail_messages_kept_raw_total'), did.keptRaw, 'kept raw');
    assert.equal(d('tempmail_parser_timeouts_total', { lane: 'large' }), 1, 'the 20 MB parse timed out in the large lane');
    assert.equal(d('tempmail_parser_kills_total', { lane: 'large', reason: 'timeout' }), 1);
    for (const stage of ['parsed', 'committed', 'replied']) {
      assert.equal(d('tempmail_message_stage_seconds_count', { stage }), did.data250, `stage ${stage}`);
    }
    assert.equal(d('tempmail_message_stage_seconds_count', { stage: 'ws_sent' }), did.wsPushed, 'ws_sent');
    assert.equal(d('tempmail_message_stage_seconds_count', { stage: 'webhook_answered' }), did.webhookOk, 'webhook_answered');
    // Each stage comes after the one before it: sums of seconds grow along the path.
    const sumOf = (stage: string) => d('tempmail_message_stage_seconds_sum', { stage });
    assert.ok(sumOf('parsed') > 0 && sumOf('parsed') <= sumOf('committed') && sumOf('committed') <= sumOf('replied'), 'parsed <= committed <= replied');
    assert.ok(d('tempmail_message_stage_seconds_bucket', { stage: 'committed', le: '+Inf' }) === did.data250);
    assert.equal(d('tempmail_webhook_deliveries_total', { outcome: 'delivered' }), did.webhookDelivered, 'delivered');
    assert.equal(d('tempmail_webhook_deliveries_total', { outcome: 'failed' }), did.webhookFailed, 'failed');
    assert.equal(after1.value('tempmail_webhook_outbox_backlog'), 1, 'the failing delivery waits in the outbox');
    assert.equal(d('tempmail_rate_limit_refusals_total', { scope: 'failed_auth' }), did.refusals429, '429s');
    assert.ok(d('tempmail_mailboxes_swept_total') >= did.swept, 'swept');
    assert.ok(d('tempmail_sweeper_runs_total', { result: 'ok' }) > 0);
    assert.ok(after1.value('tempmail_sweeper_last_success_timestamp_seconds') > Date.now() / 1000 - 3600);
    assert.ok(after1.names.has('tempmail_sweeper_lag_seconds'));
    assert.ok(d('tempmail_key_epochs_destroyed_total') >= 1, 'the short mailbox\'s epoch key was destroyed');
    assert.ok(after1.value('tempmail_key_epochs_live') >= 1, 'the long-lived mailboxes\' epochs are live');
    assert.equal(after1.value('tempmail_websockets_open'), 1);
    assert.equal(after1.value('tempmail_waits_pending'), 0);
    assert.equal(after1.sum('tempmail_parser_queue_depth'), 0, 'nothing queued at rest');
    assert.ok(after1.names.has('nodejs_eventloop_lag_seconds') && after1.names.has('nodejs_eventloop_lag_p99_seconds'), 'event-loop delay');
    assert.ok(after1.value('process_cpu_user_seconds_total') > 0, 'process metrics');
    ws.close();
  });

  it('stage timings: read.php answers them for a recent message, in order', async () => {
    const gen = await http(`${svc.httpUrl}/api/generate_email.php`);
    const box = gen.body as { email: string; token: string };
    const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/ws?${qs(box)}`);
    const pushed = new Promise<string>((resolve) => ws.once('message', (m) => resolve(JSON.parse(m.toString()).id as string)));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    await sendMail(svc.smtpPort, { to: box.email, subject: 'timed', text: 'hello' });
    const id = await pushed;
    const read = await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id })}`);
    assert.equal(read.status, 200);
    const t = read.body.timings as { received: number; parsed: number; stored: number; pushed: number | null };
    assert.ok(t, JSON.stringify(read.body));
    assert.ok(t.received >= 0 && t.received <= t.parsed && t.parsed <= t.stored, JSON.stringify(t));
    assert.ok(t.pushed !== null && t.pushed >= t.stored, JSON.stringify(t));
    ws.close();
  });
});

describe('GET /metrics: who may read it', () => {
  let plain: ServiceHandle;
  let tokened: ServiceHandle;
  let off: ServiceHandle;
  before(async () => {
    const port = await freePort();
    [plain, tokened, off] = await Promise.all([
      startService(),
      // Listening on every interface, so a non-loopback address of this machine reaches it.
      startService({ HOST: '0.0.0.0', PORT: String(port), TEMPMAIL_METRICS_TOKEN: TOKEN }),
      startService({ TEMPMAIL_METRICS: 'off' }),
    ]);
  });
  after(async () => {
    await Promise.all([plain?.stop(), tokened?.stop(), off?.stop()]);
  });

  it('loopback without a token; proxied or remote only with the bearer token', async () => {
    assert.equal((await fetch(`${plain.httpUrl}/metrics`)).status, 200, 'loopback peer, nothing forwarded');
    const proxied = await http(`${plain.httpUrl}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.equal(proxied.status, 403, 'no token configured: a proxied request is refused');
    assert.equal(proxied.body.error.code, 'forbidden');
    assert.equal((await fetch(`${plain.httpUrl}/metrics`, { headers: { Forwarded: 'for=203.0.113.9' } })).status, 403);

    const viaProxy = { 'X-Forwarded-For': '203.0.113.9' };
    assert.equal((await fetch(`${tokened.httpUrl}/metrics`, { headers: viaProxy })).status, 401);
    assert.equal((await fetch(`${tokened.httpUrl}/metrics`, { headers: { ...viaProxy, Authorization: `Bearer ${TOKEN}x` } })).status, 401, 'wrong token');
    const ok = await fetch(`${tokened.httpUrl}/metrics`, { headers: { ...viaProxy, Authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /tempmail_smtp_sessions_total/);
  });

  it('from a non-loopback address of this machine: the token is required', async (t) => {
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return t.skip('this machine has no non-loopback IPv4 address');
    const url = `http://${external.address}:${tokened.httpPort}/metrics`;
    const none = await http(url);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  it('TEMPMAIL_METRICS=off: 404', async () => {
    const res = await http(`${off.httpUrl}/metrics`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });
});

describe('GET /metrics: the same names on SQLite and on PostgreSQL + Redis', () => {
  const schema = uniqueName('tm_metrics');
  let unavailable = '';
  let sqlite: ServiceHandle | null = null;
  let pg: ServiceHandle | null = null;

  before(async () => {
    sqlite = await startService({ TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' });
    try {
      await requirePostgres();
      await requireRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    pg = await startService({
      DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, TEMPMAIL_PG_SCHEMA: schema,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'), TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    });
  });
  after(async () => {
    await sqlite?.stop();
    await pg?.stop();
    if (!unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]).catch(() => {});
  });

  it('every metric the Grafana dashboard and the alert rules use is served', async () => {
    const served = (await scrape(sqlite!)).names;
    const files = ['docs/observability/grafana-dashboard.json', 'docs/observability/prometheus-alerts.yml'];
    const used = new Set(files.flatMap((f) => [...readFileSync(path.join(REPO_ROOT, f), 'utf8').matchAll(/\b((?:tempmail|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1])));
    assert.ok(used.size > 15);
    const missing = [...used].filter((n) => !served.has(n) && !served.has(n.replace(/_(bucket|sum|count)$/, '')));
    assert.deepEqual(missing, []);
    // And every one the docs' table names.
    const documented = [...readFileSync(path.join(REPO_ROOT, 'docs/observability.md'), 'utf8').matchAll(/`(tempmail_[a-z0-9_]+)/g)].map((m) => m[1]);
    assert.deepEqual(documented.filter((n) => !served.has(n)), []);
    assert.deepEqual([...served].filter((n) => n.startsWith('tempmail_') && !documented.includes(n)), [], 'every tempmail_ metric is documented');
  });

  it('lists the same metric names (and every tempmail_ one the docs name)', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const [a, b] = await Promise.all([scrape(sqlite!), scrape(pg!)]);
    assert.deepEqual([...b.names].sort(), [...a.names].sort());
    const ours = [...a.names].filter((n) => n.startsWith('tempmail_'));
    assert.ok(ours.length >= 20, ours.join(', '));
    // Labelled series exist from the start too (at zero), so dashboards and alerts never see "no data".
    assert.deepEqual([...a.samples.keys()].filter((k) => k.startsWith('tempmail_') && !k.includes('_bucket')).sort(),
      [...b.samples.keys()].filter((k) => k.startsWith('tempmail_') && !k.includes('_bucket')).sort());
  });
});
