/**
 * wait.php across nodes (PostgreSQL + Redis): a request held on node B is answered when the
 * message arrives through node A's SMTP, woken by the bus notice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import {
  dropSchemas, requirePostgres, requireRedis, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName,
} from '../contract/services.js';

describe('wait.php on two nodes', () => {
  const schema = uniqueName('tm_wait');
  let unavailable = '';
  let a: ServiceHandle | null = null;
  let b: ServiceHandle | null = null;
  let db: pg.Client | null = null;
  let redis: Redis | null = null;

  before(async () => {
    try {
      await requirePostgres();
      await requireRedis();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      unavailable = err.message;
      return;
    }
    const env = {
      DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, TEMPMAIL_PG_SCHEMA: schema,
      TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64'), TEMPMAIL_DOMAINS: 'wait.test',
    };
    // One after the other: two cold starts at once on a busy machine can outlast the helper's 20 s.
    a = await startService(env);
    b = await startService(env);
    db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_REDIS_URL);
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.end();
    redis?.disconnect();
    if (!unavailable) await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]).catch(() => {});
  });

  it('a wait held on B is answered by mail accepted on A', async (t) => {
    if (unavailable) return skipOrFail(t, unavailable);
    const key = await createKey(b!, 'free');
    const email = (await http(`${b!.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string;
    const pending = http(`${b!.httpUrl}/v1/wait.php?${qs({ key, email, match: 'otp', timeout: 60 })}`);
    // B holds the request once it listens on the mailbox's channel (no WebSocket is open).
    const { rows } = await db!.query<{ id: string }>(`SELECT id FROM "${schema}".mailboxes WHERE address = $1`, [email]);
    const channel = `tempmail:mbx:${rows[0]!.id}`;
    await eventually(async () => Number(((await redis!.pubsub('NUMSUB', channel)) as [string, number])[1]) > 0, 10_000, 10);
    await sendMail(a!.smtpPort, { to: email, subject: 'Welcome', text: 'Nothing to type.' });
    await sendMail(a!.smtpPort, { from: 'noreply@example.org', to: email, subject: 'Code', text: 'Your verification code is 845120.' });
    const res = await pending;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.otp, '845120');
    assert.equal(res.body.email, email);
    // The subscription goes with the last waiter.
    await eventually(async () => Number(((await redis!.pubsub('NUMSUB', channel)) as [string, number])[1]) === 0, 10_000, 10);
  });
});
