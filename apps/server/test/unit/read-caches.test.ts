/**
 * The read path's caches on the embedded store, end to end below HTTP: what was listed, read
 * and authorised once must still change at once when the data does: a new message, a message
 * trimmed by the writer thread, a row changed by another connection, a deleted mailbox, expiry.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { MemoryBus } from '../../src/adapters/bus-memory/memory-bus.js';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { KeyService } from '../../src/crypto/key-service.js';
import { AppError } from '../../src/domain/errors.js';
import type { Mailbox, StoredMessage } from '../../src/domain/types.js';
import { MailboxGoneBroadcast } from '../../src/mailbox/mailbox-gone.js';
import { loadAddressDigest } from '../../src/crypto/address-key.js';
import { MailboxService } from '../../src/mailbox/mailbox-service.js';
import { MessageReader } from '../../src/read/message-reader.js';
import { INCONCLUSIVE, sleep, withGrowingWindow } from '../helpers/growing-window.js';

const notFound = (e: unknown) => e instanceof AppError && e.status === 404;

describe('read caches on SQLite', () => {
  let dir: string;
  let store: SqliteStore;
  let keyring: SqliteKeyring;
  let keys: KeyService;
  let mailboxes: MailboxService;
  let reader: MessageReader;
  /** Real time, unless a test stops it at a given instant. */
  let stoppedAt: number | null = null;
  const clock = { now: () => stoppedAt ?? Date.now() };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tempmail-read-caches-'));
    store = new SqliteStore(path.join(dir, 'tempmail.db'));
    keyring = new SqliteKeyring(path.join(dir, 'keyring.db'));
    const master = randomBytes(32);
    keys = new KeyService(keyring, master);
    const gone = new MailboxGoneBroadcast(new MemoryBus(), keys, pino({ level: 'silent' }));
    mailboxes = new MailboxService(store, keys, clock, { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 86_400 }, gone, await loadAddressDigest(keyring, master));
    reader = new MessageReader(store, keys, clock);
  });

  after(async () => {
    await store.close();
    await keyring.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newBox = async () => {
    const { mailbox, token } = await mailboxes.create({ domain: 'cache.test', ownerKeyId: null, creatorIp: null, withToken: true });
    return { mailbox, token: token! };
  };

  /** Stores a sealed message through the store's writer (the worker thread: another connection). */
  const deliver = async (mailbox: Mailbox, subject: string, keepNewest = 0): Promise<string> => {
    const cipher = (await keys.cipherFor(mailbox))!;
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const message: StoredMessage = {
      id, mailboxId: mailbox.id, receivedAt: clock.now(), size: 100,
      summary: cipher.sealJson(id, 'summary', { sender: 'a@example.org', subject, otp: null, confirmationLink: null }),
      body: cipher.sealJson(id, 'body', { text: `body of ${subject}`, html: null, attachments: [], headers: [], envelopeFrom: 'a@example.org' }),
      raw: cipher.seal(id, 'raw', 'raw'), attachments: [],
    };
    await store.messages.insert(message, [], keepNewest);
    return id;
  };

  /** The listing's subjects; inbox.php's serialised answer (kept while the ids are the same) must be that very listing. */
  const subjects = async (mailbox: Mailbox) => {
    const listed = await reader.list(mailbox, 100);
    assert.equal((await reader.listJson(mailbox, 100)).json, JSON.stringify(listed), 'the serialised listing matches the store');
    return listed.map((m) => m.subject);
  };

  it('a listed inbox shows a new message, and loses a trimmed one, at once', async () => {
    const { mailbox } = await newBox();
    const first = await deliver(mailbox, 'one');
    assert.deepEqual(await subjects(mailbox), ['one']);
    assert.deepEqual(await subjects(mailbox), ['one'], 'served again (from the caches)');
    await deliver(mailbox, 'two');
    assert.deepEqual(await subjects(mailbox), ['two', 'one']);
    assert.equal((await reader.get(mailbox, first)).subject, 'one');
    assert.equal(await reader.getJson(mailbox, first), JSON.stringify(await reader.get(mailbox, first)), 'read.php answers the view as JSON');
    await deliver(mailbox, 'three', 1); // keeps the newest only: 'one' and 'two' are trimmed
    assert.deepEqual(await subjects(mailbox), ['three']);
    await deliver(mailbox, 'four', 1); // one in, one out: a listing of the same length, other ids
    assert.deepEqual(await subjects(mailbox), ['four']);
    await assert.rejects(reader.get(mailbox, first), notFound, 'a trimmed message must not be served from the view cache');
    await assert.rejects(reader.getJson(mailbox, first), notFound, 'nor its kept JSON');
  });

  it('sees a row deleted by another connection at once', async () => {
    const { mailbox } = await newBox();
    const a = await deliver(mailbox, 'a');
    const b = await deliver(mailbox, 'b');
    assert.deepEqual(await subjects(mailbox), ['b', 'a']);
    assert.equal((await reader.get(mailbox, b)).subject, 'b');
    const other = new Database(path.join(dir, 'tempmail.db'));
    try {
      other.prepare('DELETE FROM messages WHERE id = ?').run(b);
    } finally {
      other.close();
    }
    assert.deepEqual((await reader.list(mailbox, 100)).map((m) => m.id), [a]);
    assert.deepEqual((JSON.parse((await reader.listJson(mailbox, 100)).json) as Array<{ id: string }>).map((m) => m.id), [a]);
    await assert.rejects(reader.get(mailbox, b), notFound);
  });

  it('a deleted mailbox is gone at once, and its plaintext with it', async () => {
    const { mailbox, token } = await newBox();
    const id = await deliver(mailbox, 'secret subject');
    const authorised = await mailboxes.authorizeToken(mailbox.address, token);
    assert.deepEqual(await subjects(authorised), ['secret subject']);
    await reader.get(authorised, id);
    assert.ok(reader.holdsPlaintextOf(mailbox.id), 'positive control: the caches hold it');
    await mailboxes.deleteNow(authorised);
    assert.equal(reader.holdsPlaintextOf(mailbox.id), false);
    await assert.rejects(mailboxes.authorizeToken(mailbox.address, token), notFound);
    assert.equal(await store.mailboxes.findByAddress(mailbox.address), null);
    assert.deepEqual(await store.messages.listRefs(mailbox.id, 100), []);
  });

  it('an expired mailbox answers 404 at its expiry, however warm the caches', async () => {
    const { mailbox, token } = await newBox();
    await deliver(mailbox, 'x');
    const authorised = await mailboxes.authorizeToken(mailbox.address, token);
    await reader.list(authorised, 100);
    try {
      stoppedAt = mailbox.expiresAt - 1;
      await mailboxes.authorizeToken(mailbox.address, token);
      stoppedAt = mailbox.expiresAt;
      await assert.rejects(mailboxes.authorizeToken(mailbox.address, token), notFound);
    } finally {
      stoppedAt = null;
    }
  });

  it('drops the plaintext of a mailbox at its expiry, with no sweep and no further read', async () => {
    await withGrowingWindow(200, async (windowMs) => {
      const { mailbox: made } = await newBox();
      const id = await deliver(made, 'short-lived');
      const mailbox = { ...made, expiresAt: Date.now() + windowMs }; // as if made with that short a TTL
      await reader.list(mailbox, 100);
      await reader.get(mailbox, id);
      const held = reader.holdsPlaintextOf(mailbox.id);
      if (Date.now() >= mailbox.expiresAt) return INCONCLUSIVE; // expired before we could look
      assert.ok(held, 'positive control: the caches hold it');
      await sleep(mailbox.expiresAt - Date.now() + 150); // later than the expiry on any machine
      assert.equal(reader.holdsPlaintextOf(mailbox.id), false);
    });
  });

  it('drops decrypted data its TTL after decryption, in a mailbox that lives on', async () => {
    const { mailbox } = await newBox();
    const id = await deliver(mailbox, 'read once');
    await withGrowingWindow(200, async (ttlMs) => {
      const shortLived = new MessageReader(store, keys, clock, undefined, ttlMs);
      const started = Date.now();
      await shortLived.list(mailbox, 100);
      await shortLived.get(mailbox, id);
      const held = shortLived.holdsPlaintextOf(mailbox.id);
      if (Date.now() - started >= ttlMs) return INCONCLUSIVE; // its TTL passed before we could look
      assert.ok(held, 'positive control: the caches hold it');
      await sleep(ttlMs + 200); // later than the TTL on any machine
      assert.equal(shortLived.holdsPlaintextOf(mailbox.id), false, 'plaintext kept past its TTL');
      assert.equal((await shortLived.get(mailbox, id)).subject, 'read once', 'and is decrypted again when asked for');
    });
    const none = new MessageReader(store, keys, clock, undefined, 0);
    await none.get(mailbox, id);
    await none.list(mailbox, 100);
    assert.equal(none.holdsPlaintextOf(mailbox.id), false, 'a TTL of 0 keeps nothing');
  });

  it('a deleted message leaves every cache at once, and asks for a scrub', async () => {
    const { mailbox } = await newBox();
    const id = await deliver(mailbox, 'deleted one');
    await deliver(mailbox, 'kept one');
    let scrubs = 0;
    reader.onPlaintextDropped = () => scrubs++;
    try {
      await reader.list(mailbox, 100);
      await reader.get(mailbox, id);
      assert.ok(await reader.delete(mailbox, id));
      assert.equal(scrubs, 1);
      assert.ok(!(await reader.listJson(mailbox, 100)).json.includes('deleted one'));
      await assert.rejects(reader.get(mailbox, id), notFound);
    } finally {
      reader.onPlaintextDropped = null;
    }
  });

  it('a wrong token is refused with the row cached', async () => {
    const { mailbox, token } = await newBox();
    await mailboxes.authorizeToken(mailbox.address, token);
    await assert.rejects(mailboxes.authorizeToken(mailbox.address, `${token.slice(0, -1)}x`), notFound);
  });
});
