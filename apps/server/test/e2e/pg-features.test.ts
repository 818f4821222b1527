/**
 * Webhooks and custom domains on PostgreSQL + Redis, end to end: two real nodes (built CLI) on
 * one fresh schema, a real HTTP receiver on loopback (TEMPMAIL_WEBHOOK_ALLOW_HOSTS=127.0.0.1),
 * real SMTP and a real DNS server on loopback (TEMPMAIL_DNS_SERVERS).
 *
 * - A webhook registered through node A gets the signed POST for mail received by node B, and
 *   its delivery log reads the same on both nodes.
 * - Both nodes claim from one outbox (`FOR UPDATE SKIP LOCKED`): with every receiver answering
 *   200 at once, each of ~50 messages is POSTed exactly once.
 * - A custom domain registered on PostgreSQL answers pending, then verifies and receives mail
 *   through the other node.
 *
 * Skips loudly when PostgreSQL or Redis is absent (fails when CI=true).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import { verifySignature } from '../../src/webhooks/signing.js';
import {
  dropSchemas, requirePostgres, requireRedis, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName,
} from '../contract/services.js';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';

const DOMAIN = 'pgfeatures.test';
const MX = 'mx.pgfeatures.test';

interface Hit { path: string; headers: IncomingHttpHeaders; body: string }

/** An HTTP receiver on loopback that records every request and answers 200 at once. */
async function receiver() {
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p: string) => `http://127.0.0.1:${port}${p}`,
    on: (p: string) => hits.filter((h) => h.path === p),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Sends `n` messages to `to` in one raw SMTP session; returns the stored message ids. */
async function smtpSendMany(port: number, to: string, n: number, tag: string): Promise<string[]> {
  const c = await rawSmtp(port);
  const ids: string[] = [];
  try {
    assert.equal((await c.reply()).code, 220);
    assert.equal((await c.command('EHLO pg-features.test')).code, 250);
    for (let i = 0; i < n; i++) {
      assert.equal((await c.command('MAIL FROM:<sender@example.com>')).code, 250);
      const rcpt = await c.command(`RCPT TO:<${to}>`);
      assert.equal(rcpt.code, 250, rcpt.text);
      assert.equal((await c.command('DATA')).code, 354);
      c.send(`From: Sender <sender@example.com>\r\nTo: ${to}\r\nSubject: ${tag} ${i}\r\n`
        + `Message-ID: <${tag}.${i}.${randomBytes(4).toString('hex')}@example.com>\r\n\r\nYour code is 4829${String(i).padStart(2, '0')}.\r\n.\r\n`);
      const r = await c.reply();
      assert.equal(r.code, 250, r.text);
      const id = /queued as (\S+)/.exec(r.text)?.[1];
      assert.ok(id, r.text);
      ids.push(id);
    }
    await c.command('QUIT').catch(() => undefined);
  } finally {
    c.close();
  }
  return ids;
}

describe('webhooks and custom domains on PostgreSQL + Redis (two nodes)', () => {
  const schema = uniqueName('tm_e2e_feat');
  let unavailable = '';
  let a: ServiceHandle | null = null;
  let b: ServiceHandle | null = null;
  let dns: TestDnsServer | null = null;
  let rx: Awaited<ReturnType<typeof receiver>> | null = null;
  let premium = '';

  before(async () => {
    try {
      await requirePostgres();
      await requireRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    dns = await startDnsServer();
    rx = await receiver();
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      TEMPMAIL_PG_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
      TEMPMAIL_DOMAINS: DOMAIN,
      TEMPMAIL_MX_HOST: MX,
      TEMPMAIL_DNS_SERVERS: dns.address,
      TEMPMAIL_DNS_TIMEOUT_MS: '5000',
      TEMPMAIL_DOMAIN_RECHECK_MS: String(3_600_000),
      TEMPMAIL_DOMAIN_VERIFIED_RECHECK_MS: String(3_600_000),
      TEMPMAIL_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      TEMPMAIL_WEBHOOK_SCAN_INTERVAL_MS: '50',
      TEMPMAIL_WEBHOOK_RETRY_BASE_MS: '300',
      TEMPMAIL_WEBHOOK_TIMEOUT_MS: '3000',
      TEMPMAIL_WEBHOOK_LOG_KEEP: '100',
      TEMPMAIL_RATE_PREMIUM: '100000',
      TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: '1000',
    };
    [a, b] = await Promise.all([startService(env), startService(env)]);
    premium = await createKey(a, 'premium');
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await rx?.close();
    await dns?.close();
    if (!unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]).catch(() => {});
    for (const node of [a, b]) {
      if (node) assert.doesNotMatch(node.logs(), /webhook (delivery|claim) failed|deadlock/i, 'no delivery errors in the logs');
    }
  });

  const ready = (t: TestContext): boolean => {
    if (unavailable) {
      skipOrFail(t, unavailable);
      return false;
    }
    return true;
  };

  const newMailbox = async (node: ServiceHandle, domain?: string): Promise<string> => {
    const r = await http(`${node.httpUrl}/v1/generate_email.php?${qs({ key: premium, domain })}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.email as string;
  };
  const register = (node: ServiceHandle, email: string, url: string) => http(`${node.httpUrl}/v1/webhook.php`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key: premium, email, url }),
  });
  const listHooks = (node: ServiceHandle, email: string) => http(`${node.httpUrl}/v1/webhook.php?${qs({ key: premium, email })}`);

  it('registers a webhook on PostgreSQL and delivers a signed POST for mail received by the other node', async (t) => {
    if (!ready(t)) return;
    const email = await newMailbox(a!);
    const reg = await register(a!, email, rx!.url('/signed'));
    assert.equal(reg.status, 200, `webhook.php on PostgreSQL: ${JSON.stringify(reg.body)}`);
    assert.match(reg.body.secret, /^whsec_/);

    const sent = await sendMail(b!.smtpPort, { to: email, subject: 'Verify your address', text: 'Your code is 482910' });
    assert.match(sent.response, /^250 /);
    const hit = await eventually(async () => rx!.on('/signed')[0], 10_000);
    const sig = hit.headers['x-tempmail-signature'] as string;
    assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verifySignature(sig, hit.body, reg.body.secret), 'the signature verifies with the secret from registration');
    const event = JSON.parse(hit.body);
    assert.equal(event.event, 'message.received');
    assert.equal(event.email, email);
    assert.equal(event.subject, 'Verify your address');
    assert.equal(event.otp, '482910');
    assert.equal(hit.headers['x-tempmail-event-id'], event.id);

    // One delivery log, shared: both nodes list the same attempt.
    for (const node of [a!, b!]) {
      const listed = await eventually(async () => {
        const l = await listHooks(node, email);
        return l.status === 200 && l.body[0]?.deliveries?.length ? l : null;
      });
      assert.equal(listed.body[0].id, reg.body.id);
      assert.deepEqual(listed.body[0].deliveries.map((d: any) => [d.attempt, d.status_code, d.outcome, d.message_id]),
        [[1, 200, 'delivered', event.id]]);
    }
    assert.equal(rx!.on('/signed').length, 1, 'one POST');
  });

  it('two nodes on one outbox POST each message once (FOR UPDATE SKIP LOCKED)', async (t) => {
    if (!ready(t)) return;
    const email = await newMailbox(b!);
    const reg = await register(b!, email, rx!.url('/race'));
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const PER_NODE = 25;
    // Both nodes receive mail (each wakes its own dispatcher) and both scan every 50 ms.
    const [viaA, viaB] = await Promise.all([
      smtpSendMany(a!.smtpPort, email, PER_NODE, 'via-a'),
      smtpSendMany(b!.smtpPort, email, PER_NODE, 'via-b'),
    ]);
    const sentIds = [...viaA, ...viaB];
    assert.equal(new Set(sentIds).size, 2 * PER_NODE);
    await eventually(async () => new Set(rx!.on('/race').map((h) => h.headers['x-tempmail-event-id'])).size >= sentIds.length, 30_000, 50);
    // Anything delivered twice would arrive right after; give both scanners several rounds.
    await new Promise((r) => setTimeout(r, 1500));
    const hits = rx!.on('/race');
    const counts = new Map<string, number>();
    for (const h of hits) {
      const id = h.headers['x-tempmail-event-id'] as string;
      assert.ok(verifySignature(h.headers['x-tempmail-signature'] as string, h.body, reg.body.secret));
      assert.equal(JSON.parse(h.body).id, id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const twice = [...counts].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'a message was POSTed more than once');
    assert.deepEqual([...counts.keys()].sort(), [...sentIds].sort(), 'every message was POSTed');
    const log = await eventually(async () => {
      const l = await listHooks(a!, email);
      return l.body[0]?.deliveries?.length >= sentIds.length ? l.body[0].deliveries : null;
    });
    assert.ok(log.every((d: any) => d.attempt === 1 && d.outcome === 'delivered'), 'one attempt each, all delivered');
  });

  it('registers a custom domain on PostgreSQL: pending, then verified, and it receives mail through the other node', async (t) => {
    if (!ready(t)) return;
    const domain = `cust-${randomBytes(3).toString('hex')}.example-customer.test`;
    const claimed = await http(`${a!.httpUrl}/v1/domains.php`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key: premium, domain }),
    });
    assert.equal(claimed.status, 200, `domains.php on PostgreSQL: ${JSON.stringify(claimed.body)}`);
    assert.deepEqual(claimed.body, { domain, status: 'pending', mx: MX });
    assert.ok(dns!.queries(domain) >= 1, 'the claim checked the MX record');

    // The other node sees the same row.
    const listed = await http(`${b!.httpUrl}/v1/domains.php?${qs({ key: premium })}`);
    assert.deepEqual(listed.body, [{ domain, status: 'pending', mx: MX }]);
    const other = await createKey(b!, 'premium');
    const stolen = await http(`${b!.httpUrl}/v1/domains.php`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs({ key: other, domain }),
    });
    assert.equal(stolen.status, 409, 'one key per domain, across nodes');

    dns!.setMx(domain, MX);
    const verified = await http(`${b!.httpUrl}/v1/domains.php?${qs({ key: premium, domain, verify: 1 })}`);
    assert.deepEqual(verified.body, { domain, status: 'verified', mx: MX });
    const email = await newMailbox(b!, domain);
    assert.ok(email.endsWith(`@${domain}`));
    const sent = await eventually(async () => {
      try {
        return await sendMail(a!.smtpPort, { to: email, subject: 'Custom domain', text: 'Your code is 731904.' });
      } catch {
        return null; // node A's short acceptance cache may still say no
      }
    }, 10_000, 200);
    assert.match(sent.response, /^250 /);
    const inbox = await eventually(async () => {
      const r = await http(`${b!.httpUrl}/v1/inbox.php?${qs({ key: premium, email })}`);
      return r.status === 200 && r.body.length ? r.body : null;
    });
    assert.equal(inbox[0].subject, 'Custom domain');
  });
});
