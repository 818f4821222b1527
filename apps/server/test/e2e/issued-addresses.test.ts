/**
 * An address is never handed out twice (issue 18), on SQLite and on PostgreSQL: a chosen name
 * (`name=` of generate_email.php) is refused once it was issued, while its mailbox lives, after
 * it was deleted and after it expired and was swept, in either API; reserved and malformed
 * names are refused. The store is read directly only to see the expired mailbox's row gone.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../contract/services.js';
import { eventually, http, qs } from '../helpers/api.js';
import { serviceOnBackend } from '../helpers/backend-service.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

const BASE_ENV = { TEMPMAIL_MIN_TTL_SECONDS: '1', TEMPMAIL_RESERVED_NAMES: 'ceo,Billing-Team' };

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`issued addresses are never issued again (${backend})`, () => {
    const { schema, service } = serviceOnBackend(backend, BASE_ENV, 'tm_e2e_issued');
    const generate = (s: ServiceHandle, params: Record<string, string | number>) =>
      http(`${s.httpUrl}/api/generate_email.php?${qs(params)}`);
    /** A name no other run of this test used (the issued set outlives the service's data only on PostgreSQL, but be safe). */
    const freshName = (label: string) => `${label}.${Math.random().toString(36).slice(2, 10)}`;

    /** Mailbox rows holding `address`, read from the store itself. */
    const rowsFor = async (s: ServiceHandle, address: string): Promise<number> => {
      if (backend === 'sqlite') {
        const db = new Database(path.join(s.dataDir, 'tempmail.db'), { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM mailboxes WHERE address = ?').get(address) as { n: number }).n;
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".mailboxes WHERE address = $1`, [address]);
        return Number(rows[0].n);
      } finally {
        await client.end();
      }
    };

    it('a chosen name is given once: refused while it lives and after it is deleted, in both APIs', async (t) => {
      const s = service(t);
      if (!s) return;
      const name = freshName('Alice');
      const first = await generate(s, { name });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.email, `${name.toLowerCase()}@tempmail.local`, 'lower-cased, on the default domain');

      const live = await generate(s, { name });
      assert.equal(live.status, 409);
      assert.equal(live.body.error.code, 'conflict');
      assert.match(live.body.error.message, /never given twice/);
      assert.equal(live.body.error.param, 'name', 'the error names the parameter at fault (the page marks its field)');

      const del = await http(`${s.httpUrl}/api/delete.php`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: first.body.email, token: first.body.token }),
      });
      assert.equal(del.status, 200);
      assert.equal(await rowsFor(s, first.body.email), 0, 'the mailbox is gone');
      const afterDelete = await generate(s, { name: name.toUpperCase() });
      assert.equal(afterDelete.status, 409, 'refused after the delete, whatever the case');

      const key = await createKey(s, 'free');
      const keyed = await http(`${s.httpUrl}/v1/generate_email.php?${qs({ key, name })}`);
      assert.equal(keyed.status, 409, 'the keyed API refuses it too');
      const keyedFresh = await http(`${s.httpUrl}/v1/generate_email.php?${qs({ key, name: freshName('bob') })}`);
      assert.equal(keyedFresh.status, 200, JSON.stringify(keyedFresh.body));
      const anonAfterKeyed = await generate(s, { name: keyedFresh.body.email.split('@')[0] });
      assert.equal(anonAfterKeyed.status, 409, 'a keyed name is not given to an anonymous caller either');
    });

    it('an expired and swept mailbox\'s address is not given again', async (t) => {
      const s = service(t);
      if (!s) return;
      const name = freshName('carol');
      const first = await generate(s, { name, ttl: 1 });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      // The sweeper (every 200 ms in tests) deletes the row once the second has passed.
      await eventually(async () => (await rowsFor(s, first.body.email)) === 0, 60_000, 100);
      const again = await generate(s, { name });
      assert.equal(again.status, 409, JSON.stringify(again.body));
    });

    it('reserved and malformed names are refused with 400, and random addresses keep working', async (t) => {
      const s = service(t);
      if (!s) return;
      for (const name of ['postmaster', 'ABUSE', 'ceo', 'billing-team']) {
        const res = await generate(s, { name });
        assert.equal(res.status, 400, name);
        assert.match(res.body.error.message, /reserved/, name);
        assert.equal(res.body.error.param, 'name', name);
      }
      for (const name of ['ab', '.dotfirst', 'last-', 'two..dots', 'sp ace', 'ünï', 'a'.repeat(65), 'x@y']) {
        const res = await generate(s, { name });
        assert.equal(res.status, 400, name);
        assert.equal(res.body.error.param, 'name', name);
      }
      const ttl = await generate(s, { ttl: 999999999 });
      assert.equal(ttl.status, 400);
      assert.equal(ttl.body.error.param, undefined, 'other errors keep the contract\'s two fields');
      const random = await generate(s, {});
      assert.equal(random.status, 200);
      assert.match(random.body.email, /^[a-z][a-z0-9]{11}@tempmail\.local$/);
    });
  });
}

describe('chosen names turned off', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({ TEMPMAIL_CUSTOM_NAMES: 'off' });
  });
  after(async () => {
    await svc.stop();
  });

  it('answers 400 for name= and still makes random addresses', async () => {
    const res = await http(`${svc.httpUrl}/api/generate_email.php?${qs({ name: 'dave.tester' })}`);
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /does not allow choosing/);
    assert.equal(res.body.error.param, 'name');
    assert.equal((await http(`${svc.httpUrl}/api/generate_email.php`)).status, 200);
    // The page asks before showing its field.
    assert.deepEqual((await http(`${svc.httpUrl}/api/names.php`)).body, { allowed: false });
  });
});
