/**
 * Random generation skips addresses issued before (issue 18), on SQLite and PostgreSQL: the
 * random draw is forced to repeat a deleted mailbox's local part, and the service draws again
 * instead of handing that address out a second time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { MemoryBus } from '../../src/adapters/bus-memory/memory-bus.js';
import { openPostgres } from '../../src/adapters/postgres/index.js';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { loadAddressDigest } from '../../src/crypto/address-key.js';
import { KeyService } from '../../src/crypto/key-service.js';
import { MailboxGoneBroadcast } from '../../src/mailbox/mailbox-gone.js';
import { MailboxService } from '../../src/mailbox/mailbox-service.js';
import type { KeyringStore, Store } from '../../src/ports/store.js';
import { dropSchemas, requirePostgres, ServiceUnavailable, skipOrFail, TEST_DATABASE_URL, uniqueName } from '../contract/services.js';

const TTL = { defaultSeconds: 3600, minSeconds: 1, maxSeconds: 86_400 };

async function skipsIssued(store: Store, keyring: KeyringStore): Promise<void> {
  const master = randomBytes(32);
  const keys = new KeyService(keyring, master);
  const gone = new MailboxGoneBroadcast(new MemoryBus(), keys, pino({ level: 'silent' }));
  const suffix = randomBytes(4).toString('hex');
  const draws = [`first${suffix}`, `first${suffix}`, `first${suffix}`, `second${suffix}`];
  const drawn: string[] = [];
  const random = () => {
    const next = draws.shift() ?? `spare${randomBytes(4).toString('hex')}`;
    drawn.push(next);
    return next;
  };
  const service = new MailboxService(store, keys, { now: () => Date.now() }, TTL, gone, await loadAddressDigest(keyring, master), undefined, random);

  const one = await service.create({ domain: 'issued.test', ownerKeyId: null, creatorIp: null, withToken: true });
  assert.equal(one.mailbox.address, `first${suffix}@issued.test`);
  await service.deleteNow(one.mailbox);
  assert.equal(await store.mailboxes.findByAddress(one.mailbox.address), null, 'the mailbox is gone');

  const two = await service.create({ domain: 'issued.test', ownerKeyId: null, creatorIp: null, withToken: true });
  assert.equal(two.mailbox.address, `second${suffix}@issued.test`, 'the issued address was skipped');
  assert.deepEqual(drawn, [`first${suffix}`, `first${suffix}`, `first${suffix}`, `second${suffix}`], 'drawn again until a fresh one came');
  // The same local part on another domain is another address.
  draws.push(`first${suffix}`);
  const three = await service.create({ domain: 'other.test', ownerKeyId: null, creatorIp: null, withToken: true });
  assert.equal(three.mailbox.address, `first${suffix}@other.test`);
}

describe('random generation skips issued addresses', () => {
  it('on SQLite', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-issued-random-'));
    const store = new SqliteStore(path.join(dir, 'tempmail.db'));
    const keyring = new SqliteKeyring(path.join(dir, 'keyring.db'));
    try {
      await skipsIssued(store, keyring);
    } finally {
      await store.close();
      await keyring.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async (t) => {
    try {
      await requirePostgres();
    } catch (err) {
      if (!(err instanceof ServiceUnavailable)) throw err;
      return skipOrFail(t, err.message);
    }
    const schema = uniqueName('tm_issued_random');
    const { store, keyring } = await openPostgres({ databaseUrl: TEST_DATABASE_URL, pgSchema: schema, pgKeyringSchema: `${schema}_keyring`, keyringDatabaseUrl: null });
    try {
      await skipsIssued(store, keyring);
    } finally {
      await store.close();
      await keyring.close();
      await dropSchemas(TEST_DATABASE_URL, [schema, `${schema}_keyring`]);
    }
  });
});
