/**
 * PostgreSQL going away under SMTP load, on a cluster of the test's own (helpers/own-services.ts):
 * the node stays up, senders get 451 4.3.0 (never a 5xx, never internals) while the database is
 * stopped or frozen, /readyz and the API answer 503 within seconds, and after recovery mail is
 * accepted again and every acknowledged message is in the inbox.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ServiceUnavailable, skipOrFail } from '../contract/services.js';
import { eventually, http, qs } from '../helpers/api.js';
import { type OwnPostgres, startOwnPostgres } from '../helpers/own-services.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { rawSmtp } from '../helpers/smtp-client.js';

const DOMAIN = 'fault.test';

/** One SMTP transaction over a raw socket: the first non-2xx reply, or the final 250 with its id. */
async function deliver(port: number, to: string, subject: string): Promise<{ stage: string; code: number; text: string; id?: string }> {
  const smtp = await rawSmtp(port);
  try {
    await smtp.reply(30_000);
    for (const [stage, line] of [['ehlo', 'EHLO fault.example'], ['mail', 'MAIL FROM:<load@example.com>'], ['rcpt', `RCPT TO:<${to}>`], ['data', 'DATA']]) {
      const r = await smtp.command(line, 60_000);
      if (r.code >= 400) return { stage, ...r };
    }
    smtp.send(`From: load@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nload test body\r\n.\r\n`);
    const r = await smtp.reply(60_000);
    const id = /queued as (\S+)/.exec(r.text)?.[1];
    return { stage: 'end of data', ...r, id };
  } finally {
    smtp.close();
  }
}

describe('PostgreSQL going away', () => {
  let pg: OwnPostgres | null = null;
  let svc: ServiceHandle | null = null;
  let unavailable = '';
  let box: { email: string; token: string };

  before(async () => {
    try {
      pg = await startOwnPostgres();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    svc = await startService({
      DATABASE_URL: pg.url,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
      TEMPMAIL_DOMAINS: DOMAIN,
      TEMPMAIL_PG_CONNECT_TIMEOUT_MS: '2000',
      TEMPMAIL_PG_QUERY_TIMEOUT_MS: '2000',
      TEMPMAIL_READY_TIMEOUT_MS: '1000',
      TEMPMAIL_PARSE_WORKERS: '1',
    });
    box = (await http(`${svc.httpUrl}/api/generate_email.php?${qs({ ttl: 3600 })}`)).body;
  });

  after(async () => {
    pg?.thaw();
    await svc?.stop();
    await pg?.remove();
  });

  const readyStatus = async () => (await http(`${svc!.httpUrl}/readyz`)).status;
  const inboxIds = async () => {
    const res = await http<Array<{ id: string }>>(`${svc!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token, limit: 1000 })}`);
    return res.status === 200 ? new Set(res.body.map((m) => m.id)) : null;
  };

  it('restarts under SMTP load: the node stays up, 451 while down, 250 after, nothing acknowledged lost', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const acknowledged: string[] = [];
    const refusals: Array<{ stage: string; code: number; text: string }> = [];
    let sending = true;
    const sender = async (n: number) => {
      for (let i = 0; sending; i++) {
        try {
          const r = await deliver(svc!.smtpPort, box.email, `load ${n}-${i}`);
          if (r.code === 250 && r.id) acknowledged.push(r.id);
          else refusals.push(r);
        } catch {
          // a connection cut by a test step is neither an acknowledgement nor a refusal
        }
      }
    };
    const senders = Array.from({ length: 6 }, (_, n) => sender(n));
    try {
      await eventually(async () => acknowledged.length >= 5, 60_000);
      for (let round = 0; round < 2; round++) {
        await pg!.stop();
        const during = await deliver(svc!.smtpPort, box.email, `while down ${round}`);
        assert.equal(during.code, 451, `while PostgreSQL is down: ${JSON.stringify(during)}`);
        assert.match(during.text, /^451 4\.3\.0 /);
        assert.doesNotMatch(during.text, /ECONNREFUSED|postgres|database|5432/i);
        await eventually(async () => (await readyStatus()) === 503, 30_000);
        const api = await http(`${svc!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
        assert.equal(api.status, 503);
        assert.equal(api.body.error.code, 'unavailable');
        assert.ok(Number(api.headers.get('retry-after')) > 0);
        const before = acknowledged.length;
        await pg!.start();
        await eventually(async () => (await readyStatus()) === 200, 60_000);
        await eventually(async () => acknowledged.length > before, 60_000);
      }
    } finally {
      sending = false;
      await Promise.all(senders);
    }
    assert.equal(svc!.process.exitCode, null, `the node exited: ${svc!.logs().slice(-2000)}`);
    assert.equal(svc!.process.signalCode, null);
    for (const r of refusals) {
      assert.equal(r.code, 451, `only temporary refusals: ${JSON.stringify(r)}`);
      assert.match(r.text, /^451 4\.3\.0 /);
    }
    const stored = await eventually(inboxIds, 30_000);
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged messages lost`);
    t.diagnostic(`acknowledged ${acknowledged.length}, refused with 451: ${refusals.length}`);
  });

  it('a transaction already past RCPT when PostgreSQL goes away gets 451 4.3.0 at end of DATA, then 250 after', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const smtp = await rawSmtp(svc!.smtpPort);
    try {
      await smtp.reply(30_000);
      await smtp.command('EHLO fault.example', 60_000);
      await smtp.command('MAIL FROM:<late@example.com>', 60_000);
      assert.equal((await smtp.command(`RCPT TO:<${box.email}>`, 60_000)).code, 250, 'the recipient was checked while PostgreSQL was up');
      assert.equal((await smtp.command('DATA', 60_000)).code, 354);
      await pg!.stop();
      smtp.send(`From: late@example.com\r\nTo: ${box.email}\r\nSubject: stored while down\r\n\r\nbody\r\n.\r\n`);
      const end = await smtp.reply(60_000);
      assert.equal(end.code, 451, `end of DATA while PostgreSQL is down: ${JSON.stringify(end)}`);
      assert.match(end.text, /^451 4\.3\.0 /);
      assert.doesNotMatch(end.text, /ECONNREFUSED|postgres|database|5432/i);
    } finally {
      smtp.close();
      await pg!.start();
    }
    await eventually(async () => (await readyStatus()) === 200, 60_000);
    const later = await eventually(async () => {
      const r = await deliver(svc!.smtpPort, box.email, 'after the restart');
      return r.code === 250 ? r : null;
    }, 60_000, 200);
    assert.ok((await eventually(inboxIds, 30_000)).has(later.id!));
    assert.equal(svc!.process.exitCode, null);
  });

  it('frozen (SIGSTOP): /readyz and the API answer 503 within seconds, SMTP 451; all recover on SIGCONT', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    pg!.freeze();
    const frozenAt = Date.now();
    try {
      await eventually(async () => (await readyStatus()) === 503, 30_000);
      t.diagnostic(`/readyz 503 ${Date.now() - frozenAt} ms after SIGSTOP (measured, not asserted)`);
      const api = await http(`${svc!.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
      assert.equal(api.status, 503, JSON.stringify(api.body));
      const smtpStart = Date.now();
      const during = await deliver(svc!.smtpPort, box.email, 'while frozen');
      t.diagnostic(`SMTP transaction answered ${during.code} at ${during.stage} after ${Date.now() - smtpStart} ms while frozen`);
      assert.equal(during.code, 451, JSON.stringify(during));
      assert.match(during.text, /^451 4\.3\.0 /);
    } finally {
      pg!.thaw();
    }
    const thawedAt = Date.now();
    await eventually(async () => (await readyStatus()) === 200, 60_000);
    t.diagnostic(`/readyz 200 ${Date.now() - thawedAt} ms after SIGCONT`);
    const afterThaw = await eventually(async () => {
      const r = await deliver(svc!.smtpPort, box.email, 'after thaw');
      return r.code === 250 ? r : null;
    }, 60_000, 200);
    assert.ok((await eventually(inboxIds, 30_000)).has(afterThaw.id!));
    assert.equal(svc!.process.exitCode, null);
  });
});
