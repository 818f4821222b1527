/**
 * A mailbox deleted or swept on one node is forgotten on every node: two nodes (each its own
 * KeyService, MessageReader and MailboxGoneBroadcast) on one SQLite store and one in-process bus.
 * Node A reads (its caches hold plaintext), node B deletes or sweeps; A must drop the plaintext
 * and tell its local listeners (the LiveHub in the service) with the right reason.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { MemoryBus } from '../../src/adapters/bus-memory/memory-bus.js';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { KeyService } from '../../src/crypto/key-service.js';
import type { Mailbox, MailboxGoneNotice, StoredMessage } from '../../src/domain/types.js';
import { TtlSweeper } from '../../src/jobs/ttl-sweeper.js';
import { MailboxGoneBroadcast } from '../../src/mailbox/mailbox-gone.js';
import { loadAddressDigest } from '../../src/crypto/address-key.js';
import { MailboxService } from '../../src/mailbox/mailbox-service.js';
import type { Clock } from '../../src/ports/clock.js';
import type { EventBus } from '../../src/ports/event-bus.js';
import { MessageReader } from '../../src/read/message-reader.js';

const silent = pino({ level: 'silent' });
const TTL = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 86_400 };

describe('mailbox gone, across nodes', () => {
  let dir: string;
  let store: SqliteStore;
  let keyring: SqliteKeyring;
  const master = randomBytes(32);
  const bus = new MemoryBus();
  /** B's clock (its sweeper's); A reads on real time. */
  let bNow: number | null = null;
  const bClock: Clock = { now: () => bNow ?? Date.now() };

  /** One node's parts, as main.ts wires them. */
  const node = async (clock: Clock, nodeBus: EventBus = bus) => {
    const keys = new KeyService(keyring, master);
    const gone = new MailboxGoneBroadcast(nodeBus, keys, silent);
    const told: MailboxGoneNotice[] = [];
    gone.onGone((n) => told.push(n));
    await gone.start();
    const mailboxes = new MailboxService(store, keys, clock, TTL, gone, await loadAddressDigest(keyring, master));
    const reader = new MessageReader(store, keys, clock);
    const sweeper = new TtlSweeper(store, keys, gone, clock, silent, 60_000);
    return { keys, gone, told, mailboxes, reader, sweeper };
  };
  let a: Awaited<ReturnType<typeof node>>;
  let b: Awaited<ReturnType<typeof node>>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tempmail-mailbox-gone-'));
    store = new SqliteStore(path.join(dir, 'tempmail.db'));
    keyring = new SqliteKeyring(path.join(dir, 'keyring.db'));
    a = await node({ now: () => Date.now() });
    b = await node(bClock);
  });

  after(async () => {
    a.gone.stop();
    b.gone.stop();
    await bus.close();
    await store.close();
    await keyring.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A mailbox made on B with one message, listed and read on A (A's caches hold its plaintext). */
  const warmOnA = async (): Promise<Mailbox> => {
    const { mailbox } = await b.mailboxes.create({ domain: 'gone.test', ownerKeyId: null, creatorIp: null, withToken: true });
    const cipher = (await b.keys.cipherFor(mailbox))!;
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const message: StoredMessage = {
      id, mailboxId: mailbox.id, receivedAt: Date.now(), size: 100,
      summary: cipher.sealJson(id, 'summary', { sender: 'a@example.org', subject: 'secret', otp: null, confirmationLink: null }),
      body: cipher.sealJson(id, 'body', { text: 'secret body', html: null, attachments: [], headers: [], envelopeFrom: 'a@example.org' }),
      raw: cipher.seal(id, 'raw', 'raw'), attachments: [],
    };
    await store.messages.insert(message, [], 0);
    assert.equal((await a.reader.list(mailbox, 100))[0].subject, 'secret');
    assert.equal((await a.reader.get(mailbox, id)).body, 'secret body');
    assert.ok(a.reader.holdsPlaintextOf(mailbox.id), 'positive control: A holds the plaintext');
    return mailbox;
  };

  it('a delete on B drops the plaintext on A and tells A\'s listeners "deleted"', async () => {
    const mailbox = await warmOnA();
    await b.mailboxes.deleteNow(mailbox);
    assert.equal(a.reader.holdsPlaintextOf(mailbox.id), false);
    assert.deepEqual(a.told.filter((n) => n.mailboxId === mailbox.id), [{ mailboxId: mailbox.id, reason: 'deleted' }]);
    assert.ok(b.told.some((n) => n.mailboxId === mailbox.id && n.reason === 'deleted'), 'the deleting node acts too');
  });

  it('a sweep on B drops the plaintext on A and tells A\'s listeners "expired"', async () => {
    const mailbox = await warmOnA();
    try {
      bNow = mailbox.expiresAt + 1; // expired for B's sweeper; A's cache timer is an hour away
      await b.sweeper.runOnce();
    } finally {
      bNow = null;
    }
    assert.equal(await store.mailboxes.findById(mailbox.id), null, 'swept');
    assert.equal(a.reader.holdsPlaintextOf(mailbox.id), false);
    assert.deepEqual(a.told.filter((n) => n.mailboxId === mailbox.id), [{ mailboxId: mailbox.id, reason: 'expired' }]);
  });

  it('with the bus failing, the delete still succeeds and the deleting node forgets at once', async () => {
    const failing = new (class extends MemoryBus {
      override async publishMailboxGone(): Promise<void> {
        throw new Error('bus unreachable');
      }
    })();
    const c = await node({ now: () => Date.now() }, failing);
    const { mailbox } = await c.mailboxes.create({ domain: 'gone.test', ownerKeyId: null, creatorIp: null, withToken: true });
    await c.mailboxes.deleteNow(mailbox);
    assert.equal(await store.mailboxes.findById(mailbox.id), null);
    assert.deepEqual(c.told, [{ mailboxId: mailbox.id, reason: 'deleted' }]);
    c.gone.stop();
  });
});
