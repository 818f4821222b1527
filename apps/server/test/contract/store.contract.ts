/**
 * The store-port contract: one suite that every Store + KeyringStore adapter must pass
 * (SQLite and PostgreSQL, see store.test.ts). Only the ports are used, plus an optional
 * outbox row counter the fixture provides, so the suite says nothing about the backend.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import type { ApiKeyRecord, Mailbox, StoredMessage } from '../../src/domain/types.js';
import { ADDRESS_KEY_EPOCH, loadAddressDigest } from '../../src/crypto/address-key.js';
import { rotateMasterKey } from '../../src/crypto/key-service.js';
import { AddressAlreadyIssued, type KeyringStore, LiveCapReached, type OutboxInsert, type Store } from '../../src/ports/store.js';
import { suiteFixture } from './services.js';

export interface StoreFixture {
  store: Store;
  keyring: KeyringStore;
  /** Outbox rows held for a mailbox (outside the ports: checks deletes reach them). */
  outboxRows(mailboxId: string): Promise<number>;
  close(): Promise<void>;
}

/** Builds the fixture once per suite; throws ServiceUnavailable when the backend is absent. */
export type StoreFactory = () => Promise<StoreFixture>;

const rid = (p: string) => `${p}_${randomBytes(8).toString('hex')}`;
const HOUR = 3_600_000;

export function newMailbox(over: Partial<Mailbox> = {}): Mailbox {
  const now = Date.now();
  return {
    id: rid('mbx'), address: `${randomBytes(6).toString('hex')}@contract.test`, tokenHash: randomBytes(32), ownerKeyId: null,
    createdAt: now, expiresAt: now + HOUR, wrappedKey: randomBytes(60), keyEpoch: Math.ceil((now + HOUR) / HOUR), creatorIp: null, creatorClient: null,
    ...over,
  };
}

export function newMessage(mailboxId: string, over: Partial<StoredMessage> = {}): StoredMessage {
  return {
    id: rid('msg'), mailboxId, receivedAt: Date.now(), size: 1000 + Math.floor(Math.random() * 1000),
    summary: randomBytes(80), body: randomBytes(300), raw: randomBytes(1200), attachments: [randomBytes(40), randomBytes(50)],
    ...over,
  };
}

/**
 * `insert` takes the message's buffers (the SQLite writer thread moves them to its thread), so
 * the suite hands the store a copy and keeps the original to compare with.
 */
function insertCopy(store: Store, m: StoredMessage, outbox: OutboxInsert[], keepNewest: number): Promise<void> {
  const copy = (b: Buffer) => Buffer.from(b);
  return store.messages.insert({ ...m, summary: copy(m.summary), body: copy(m.body), raw: copy(m.raw), attachments: m.attachments.map(copy) }, outbox, keepNewest);
}

const outboxFor = (m: StoredMessage, n: number): OutboxInsert[] =>
  Array.from({ length: n }, () => ({ id: rid('obx'), webhookId: rid('whk'), messageId: m.id, mailboxId: m.mailboxId }));

/** Registers the contract suite for one adapter. */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    const test = suiteFixture<StoreFixture>(name, factory);

    test('says what it is and answers ping', async ({ store }) => {
      assert.ok(store.kind === 'sqlite' || store.kind === 'postgres');
      await store.ping();
    });

    // ---- mailboxes ----

    test('mailboxes: create, then find by address and by id with every field intact', async ({ store }) => {
      const m = newMailbox({ ownerKeyId: rid('key'), creatorIp: '203.0.113.7', tokenHash: null });
      await store.mailboxes.create(m);
      for (const found of [await store.mailboxes.findByAddress(m.address), await store.mailboxes.findById(m.id)]) {
        assert.deepEqual(found, m);
        assert.equal(typeof found!.expiresAt, 'number');
        assert.equal(typeof found!.keyEpoch, 'number');
      }
      assert.equal(await store.mailboxes.findByAddress(`nobody-${m.address}`), null);
      assert.equal(await store.mailboxes.findById(rid('mbx')), null);
    });

    test('mailboxes: an address is unique (the error says unique/duplicate)', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      await assert.rejects(store.mailboxes.create(newMailbox({ address: m.address })), /unique|duplicate/i);
    });

    test('mailboxes: create with a cap stores no more live ones per owner or address than it allows, even all at once', async ({ store }) => {
      const now = Date.now();
      const owner = rid('key');
      const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${rid('ip')}`;
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now - 1 }), { by: 'owner', max: 3, now }); // expired: not counted
      const byOwner = await Promise.allSettled(Array.from({ length: 10 }, () =>
        store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now + HOUR }), { by: 'owner', max: 3, now })));
      assert.equal(byOwner.filter((r) => r.status === 'fulfilled').length, 3);
      for (const r of byOwner) if (r.status === 'rejected') assert.ok(r.reason instanceof LiveCapReached, String(r.reason));
      assert.equal(await store.mailboxes.countLiveByOwner(owner, now), 3);
      const byIp = await Promise.allSettled(Array.from({ length: 6 }, () =>
        store.mailboxes.create(newMailbox({ creatorIp: ip, expiresAt: now + HOUR }), { by: 'creatorIp', max: 2, now })));
      assert.equal(byIp.filter((r) => r.status === 'fulfilled').length, 2);
      assert.equal(await store.mailboxes.countLiveByCreatorIp(ip, now), 2);
      // Another owner is not held back by this one's cap; no cap, no limit.
      await store.mailboxes.create(newMailbox({ ownerKeyId: rid('key'), expiresAt: now + HOUR }), { by: 'owner', max: 1, now });
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now + HOUR }));
      assert.equal(await store.mailboxes.countLiveByOwner(owner, now), 4);
    });

    test('mailboxes: several caps in one create (per browser under a per-address ceiling), exact even all at once', async ({ store }) => {
      const now = Date.now();
      const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${rid('ip')}`;
      const caps = [{ by: 'creatorIp' as const, max: 3, now }, { by: 'creatorClient' as const, max: 2, now }];
      const a = `${ip}#a`;
      const first = await Promise.allSettled(Array.from({ length: 6 }, () =>
        store.mailboxes.create(newMailbox({ creatorIp: ip, creatorClient: a }), caps)));
      assert.equal(first.filter((r) => r.status === 'fulfilled').length, 2);
      for (const r of first) if (r.status === 'rejected') assert.equal((r.reason as LiveCapReached).by, 'creatorClient');
      const b = `${ip}#b`;
      const second = await Promise.allSettled(Array.from({ length: 4 }, () =>
        store.mailboxes.create(newMailbox({ creatorIp: ip, creatorClient: b }), caps)));
      assert.equal(second.filter((r) => r.status === 'fulfilled').length, 1, 'the address ceiling leaves one place');
      for (const r of second) if (r.status === 'rejected') assert.equal((r.reason as LiveCapReached).by, 'creatorIp');
      assert.equal(await store.mailboxes.countLiveByCreatorIp(ip, now), 3);
      const stored = await store.mailboxes.listExpired(now + 2 * HOUR, 100_000);
      assert.equal(stored.filter((m) => m.creatorClient === a).length, 2, 'creatorClient is stored');
    });

    test('issued addresses: a digest given with create stays after the mailbox is gone and refuses the address again', async ({ store }) => {
      const m = newMailbox();
      const digest = randomBytes(16);
      assert.equal(await store.mailboxes.wasIssued(digest), false);
      await store.mailboxes.create(m, undefined, digest);
      assert.equal(await store.mailboxes.wasIssued(digest), true);
      assert.equal(await store.mailboxes.delete(m.id), true);
      assert.equal(await store.mailboxes.wasIssued(digest), true, 'kept after the delete');
      const again = newMailbox({ address: m.address });
      await assert.rejects(store.mailboxes.create(again, undefined, digest), AddressAlreadyIssued);
      assert.equal(await store.mailboxes.findByAddress(m.address), null, 'nothing was stored');
      assert.equal(await store.mailboxes.findById(again.id), null);
      // Expired, not deleted: the same.
      const old = newMailbox({ expiresAt: Date.now() - 1 });
      const oldDigest = randomBytes(16);
      await store.mailboxes.create(old, undefined, oldDigest);
      assert.equal((await store.mailboxes.listExpired(Date.now(), 10_000)).some((x) => x.id === old.id), true);
      await store.mailboxes.delete(old.id);
      await assert.rejects(store.mailboxes.create(newMailbox({ address: old.address }), undefined, oldDigest), AddressAlreadyIssued);
    });

    test('issued addresses: a create that fails (address held, cap reached) records no digest', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      const digest = randomBytes(16);
      await assert.rejects(store.mailboxes.create(newMailbox({ address: m.address }), undefined, digest), /unique|duplicate/i);
      assert.equal(await store.mailboxes.wasIssued(digest), false, 'rolled back with the mailbox');
      const now = Date.now();
      const ip = `198.51.100.9-${rid('ip')}`;
      await store.mailboxes.create(newMailbox({ creatorIp: ip }), { by: 'creatorIp', max: 1, now }, randomBytes(16));
      const capped = randomBytes(16);
      await assert.rejects(store.mailboxes.create(newMailbox({ creatorIp: ip }), { by: 'creatorIp', max: 1, now }, capped), LiveCapReached);
      assert.equal(await store.mailboxes.wasIssued(capped), false, 'a refused creation issues nothing');
    });

    test('issued addresses: of many creates racing with one digest exactly one is stored', async ({ store }) => {
      const digest = randomBytes(16);
      const racers = Array.from({ length: 8 }, () => newMailbox());
      const results = await Promise.allSettled(racers.map((m) => store.mailboxes.create(m, undefined, digest)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof AddressAlreadyIssued, String(r.reason));
      const stored = await Promise.all(racers.map((m) => store.mailboxes.findById(m.id)));
      assert.equal(stored.filter(Boolean).length, 1);
    });

    test('issued addresses: digestPendingIssued has nothing to do on a store made after the migration', async ({ store }) => {
      assert.equal(await store.mailboxes.digestPendingIssued(() => randomBytes(16)), 0);
    });

    test('mailboxes: listLiveByOwner lists the owner\'s live ones newest first and pages with beforeAddress', async ({ store }) => {
      const now = Date.now();
      const owner = rid('key');
      const made: Mailbox[] = [];
      for (let i = 0; i < 5; i++) {
        const m = newMailbox({ ownerKeyId: owner, tokenHash: null, createdAt: now - 5000 + i * 1000, expiresAt: now + HOUR });
        await store.mailboxes.create(m);
        made.push(m);
      }
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, createdAt: now, expiresAt: now - 1 })); // expired
      await store.mailboxes.create(newMailbox({ ownerKeyId: rid('key'), createdAt: now, expiresAt: now + HOUR })); // another owner's
      const newestFirst = made.slice().reverse().map((m) => m.address);
      const first = await store.mailboxes.listLiveByOwner(owner, now, 2);
      assert.deepEqual(first.map((m) => m.address), newestFirst.slice(0, 2));
      assert.deepEqual(first[0], made[4]);
      const next = await store.mailboxes.listLiveByOwner(owner, now, 10, first[1]!.address);
      assert.deepEqual(next.map((m) => m.address), newestFirst.slice(2));
      assert.deepEqual(await store.mailboxes.listLiveByOwner(owner, now, 10, 'nobody@contract.test'), []);
      assert.deepEqual(await store.mailboxes.listLiveByOwner(rid('key'), now, 10), []);
    });

    test('mailboxes: countLiveByOwner and countLiveByCreatorIp count live ones only', async ({ store }) => {
      const now = Date.now();
      const owner = rid('key');
      const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${rid('ip')}`;
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now + HOUR }));
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now + 2 * HOUR }));
      await store.mailboxes.create(newMailbox({ ownerKeyId: owner, expiresAt: now - 1 }));
      await store.mailboxes.create(newMailbox({ creatorIp: ip, expiresAt: now + HOUR }));
      await store.mailboxes.create(newMailbox({ creatorIp: ip, expiresAt: now - 1 }));
      assert.equal(await store.mailboxes.countLiveByOwner(owner, now), 2);
      assert.equal(await store.mailboxes.countLiveByOwner(rid('key'), now), 0);
      assert.equal(await store.mailboxes.countLiveByCreatorIp(ip, now), 1);
      assert.equal(await store.mailboxes.countLiveByCreatorIp(ip, now + 3 * HOUR), 0);
    });

    test('mailboxes: listExpired gives the expired ones, oldest first, up to the limit', async ({ store }) => {
      const base = 10_000; // far in the past: no other test uses expiries this small
      const [a, b, c] = [newMailbox({ expiresAt: base + 1 }), newMailbox({ expiresAt: base + 2 }), newMailbox({ expiresAt: base + 3 })];
      for (const m of [c, a, b]) await store.mailboxes.create(m);
      assert.deepEqual((await store.mailboxes.listExpired(base + 2, 10)).map((m) => m.id), [a.id, b.id]);
      assert.deepEqual((await store.mailboxes.listExpired(base + 3, 2)).map((m) => m.id), [a.id, b.id]);
      const all = await store.mailboxes.listExpired(base + 3, 10);
      assert.deepEqual(all.map((m) => m.id), [a.id, b.id, c.id]);
      assert.deepEqual(all[0], a);
      for (const m of [a, b, c]) assert.equal(await store.mailboxes.delete(m.id), true);
      assert.deepEqual(await store.mailboxes.listExpired(base + 3, 10), []);
    });

    test('mailboxes: delete cascades to messages, raw, attachments and outbox; a second delete is false', async (f) => {
      const { store } = f;
      const m = newMailbox();
      const other = newMailbox();
      await store.mailboxes.create(m);
      await store.mailboxes.create(other);
      const msgs = [newMessage(m.id), newMessage(m.id)];
      for (const msg of msgs) await insertCopy(store, msg, outboxFor(msg, 2), 0);
      const kept = newMessage(other.id);
      await insertCopy(store, kept, outboxFor(kept, 1), 0);
      assert.equal(await f.outboxRows(m.id), 4);

      assert.equal(await store.mailboxes.delete(m.id), true);
      assert.equal(await store.mailboxes.findById(m.id), null);
      assert.equal(await store.mailboxes.findByAddress(m.address), null);
      assert.deepEqual(await store.messages.list(m.id, 100), []);
      for (const msg of msgs) {
        assert.equal(await store.messages.get(m.id, msg.id), null);
        assert.equal(await store.messages.getRaw(m.id, msg.id), null);
        assert.equal(await store.messages.getAttachment(m.id, msg.id, 0), null);
      }
      assert.deepEqual(await store.messages.usage(m.id), { count: 0, bytes: 0 });
      assert.equal(await f.outboxRows(m.id), 0);
      assert.equal(await store.mailboxes.delete(m.id), false);

      assert.ok(await store.messages.get(other.id, kept.id), 'another mailbox keeps its messages');
      assert.equal(await f.outboxRows(other.id), 1);
    });

    test('mailboxes: concurrent deletes of one mailbox (several sweepers) succeed exactly once', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      await insertCopy(store, newMessage(m.id), [], 0);
      const results = await Promise.all(Array.from({ length: 5 }, () => store.mailboxes.delete(m.id)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    // ---- messages ----

    test('messages: insert, then list newest first with the stored fields', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      const first = newMessage(m.id, { receivedAt: Date.now() - 1000 });
      const second = newMessage(m.id, { receivedAt: Date.now() });
      await insertCopy(store, first, [], 0);
      await insertCopy(store, second, [], 0);
      const rows = await store.messages.list(m.id, 100);
      assert.deepEqual(rows.map((r) => r.id), [second.id, first.id]);
      assert.deepEqual(rows[1], { id: first.id, mailboxId: m.id, receivedAt: first.receivedAt, size: first.size, summary: first.summary });
      assert.equal(typeof rows[0].receivedAt, 'number');
      assert.equal(typeof rows[0].size, 'number');
    });

    test('messages: refs and summaries (the read path) match list, and follow inserts, trims and deletes', async ({ store }) => {
      const m = newMailbox();
      const other = newMailbox();
      await store.mailboxes.create(m);
      await store.mailboxes.create(other);
      const msgs: StoredMessage[] = [];
      for (let i = 0; i < 4; i++) {
        const msg = newMessage(m.id, { receivedAt: Date.now() + i });
        await insertCopy(store, msg, [], 0);
        msgs.push(msg);
      }
      const strip = ({ id, mailboxId, receivedAt, size }: { id: string; mailboxId: string; receivedAt: number; size: number }) => ({ id, mailboxId, receivedAt, size });
      assert.deepEqual(await store.messages.listRefs(m.id, 100), (await store.messages.list(m.id, 100)).map(strip));
      assert.deepEqual((await store.messages.listRefs(m.id, 2, msgs[2].id)).map((r) => r.id), [msgs[1].id, msgs[0].id]);
      assert.deepEqual(await store.messages.ref(m.id, msgs[0].id), strip(msgs[0]));
      assert.equal(await store.messages.ref(other.id, msgs[0].id), null, 'not through another mailbox');
      const sealed = await store.messages.summaries(m.id, [msgs[0].id, msgs[3].id, rid('msg')]);
      assert.deepEqual([...sealed.keys()].sort(), [msgs[0].id, msgs[3].id].sort());
      assert.deepEqual(sealed.get(msgs[3].id), msgs[3].summary);
      assert.equal((await store.messages.summaries(other.id, [msgs[0].id])).size, 0, 'no summary through another mailbox');

      // Asked again after each change: a cached answer must not survive it.
      const newest = newMessage(m.id, { receivedAt: Date.now() + 10 });
      await insertCopy(store, newest, [], 2);
      assert.deepEqual((await store.messages.listRefs(m.id, 100)).map((r) => r.id), [newest.id, msgs[3].id]);
      assert.equal(await store.messages.ref(m.id, msgs[0].id), null, 'a trimmed message has no ref');
      assert.equal((await store.messages.summaries(m.id, [msgs[0].id])).size, 0);
      assert.equal(await store.mailboxes.delete(m.id), true);
      assert.deepEqual(await store.messages.listRefs(m.id, 100), []);
      assert.equal(await store.messages.ref(m.id, newest.id), null);
    });

    test('mailboxes: a row found by address before its delete is not found after it', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      assert.deepEqual(await store.mailboxes.findByAddress(m.address), m);
      assert.deepEqual(await store.mailboxes.findByAddress(m.address), m, 'found again (possibly from a cache)');
      assert.equal(await store.mailboxes.delete(m.id), true);
      assert.equal(await store.mailboxes.findByAddress(m.address), null);
      const again = newMailbox({ address: m.address });
      await store.mailboxes.create(again);
      assert.deepEqual(await store.mailboxes.findByAddress(m.address), again, 'the address made anew is the new mailbox');
    });

    test('messages: limit and before= page through newest first', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      const msgs: StoredMessage[] = [];
      for (let i = 0; i < 5; i++) {
        const msg = newMessage(m.id);
        await insertCopy(store, msg, [], 0);
        msgs.push(msg);
      }
      const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
      assert.deepEqual(ids(await store.messages.list(m.id, 2)), [msgs[4].id, msgs[3].id]);
      assert.deepEqual(ids(await store.messages.list(m.id, 2, msgs[3].id)), [msgs[2].id, msgs[1].id]);
      assert.deepEqual(ids(await store.messages.list(m.id, 10, msgs[1].id)), [msgs[0].id]);
      assert.deepEqual(ids(await store.messages.list(m.id, 10, msgs[0].id)), []);
      assert.deepEqual(ids(await store.messages.list(m.id, 10, rid('msg'))), [], 'an unknown before= gives nothing');
    });

    test('messages: get, raw and attachments by index; nothing through another mailbox', async ({ store }) => {
      const m = newMailbox();
      const other = newMailbox();
      await store.mailboxes.create(m);
      await store.mailboxes.create(other);
      const msg = newMessage(m.id, { attachments: [randomBytes(10), randomBytes(20), Buffer.alloc(0)] });
      await insertCopy(store, msg, [], 0);
      assert.deepEqual(await store.messages.get(m.id, msg.id), {
        id: msg.id, mailboxId: m.id, receivedAt: msg.receivedAt, size: msg.size, summary: msg.summary, body: msg.body, authentication: null,
      });
      assert.deepEqual(await store.messages.getRaw(m.id, msg.id), msg.raw);
      for (let i = 0; i < 3; i++) assert.deepEqual(await store.messages.getAttachment(m.id, msg.id, i), msg.attachments[i]);
      assert.equal(await store.messages.getAttachment(m.id, msg.id, 3), null);
      assert.equal(await store.messages.getAttachment(m.id, msg.id, -1), null);
      assert.equal(await store.messages.get(other.id, msg.id), null);
      assert.equal(await store.messages.getRaw(other.id, msg.id), null);
      assert.equal(await store.messages.getAttachment(other.id, msg.id, 0), null);
      assert.equal(await store.messages.get(m.id, rid('msg')), null);
    });

    test('messages: usage counts messages and bytes', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      assert.deepEqual(await store.messages.usage(m.id), { count: 0, bytes: 0 });
      await insertCopy(store, newMessage(m.id, { size: 1500 }), [], 0);
      await insertCopy(store, newMessage(m.id, { size: 2500 }), [], 0);
      assert.deepEqual(await store.messages.usage(m.id), { count: 2, bytes: 4000 });
    });

    test('messages: keepNewest trims the oldest, with their raw and attachments', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      const msgs: StoredMessage[] = [];
      for (let i = 0; i < 5; i++) {
        const msg = newMessage(m.id, { size: 100 });
        await insertCopy(store, msg, [], 3);
        msgs.push(msg);
      }
      assert.deepEqual((await store.messages.list(m.id, 100)).map((r) => r.id), [msgs[4].id, msgs[3].id, msgs[2].id]);
      assert.deepEqual(await store.messages.usage(m.id), { count: 3, bytes: 300 });
      assert.equal(await store.messages.getRaw(m.id, msgs[0].id), null);
      assert.equal(await store.messages.getAttachment(m.id, msgs[1].id, 0), null);
      await insertCopy(store, newMessage(m.id), [], 0);
      assert.equal((await store.messages.usage(m.id)).count, 4, 'keepNewest 0 = no limit');
    });

    test('messages: delete removes one message with its raw, attachments and outbox rows, and nothing of another mailbox', async (f) => {
      const { store } = f;
      const m = newMailbox();
      const other = newMailbox();
      await store.mailboxes.create(m);
      await store.mailboxes.create(other);
      const keep = newMessage(m.id);
      const gone = newMessage(m.id);
      await insertCopy(store, keep, outboxFor(keep, 1), 0);
      await insertCopy(store, gone, outboxFor(gone, 2), 0);
      assert.equal(await f.outboxRows(m.id), 3);
      assert.equal(await store.messages.delete(other.id, gone.id), false, 'not through another mailbox');
      assert.equal(await store.messages.delete(m.id, gone.id), true);
      assert.equal(await store.messages.delete(m.id, gone.id), false, 'already gone');
      assert.deepEqual((await store.messages.listRefs(m.id, 100)).map((r) => r.id), [keep.id]);
      assert.equal(await store.messages.get(m.id, gone.id), null);
      assert.equal(await store.messages.getRaw(m.id, gone.id), null);
      assert.equal(await store.messages.getAttachment(m.id, gone.id, 0), null);
      assert.equal(await f.outboxRows(m.id), 1);
      assert.ok(await store.messages.getRaw(m.id, keep.id));
    });

    test('messages: outbox rows are written with the message', async (f) => {
      const m = newMailbox();
      await f.store.mailboxes.create(m);
      const msg = newMessage(m.id);
      await insertCopy(f.store, msg, outboxFor(msg, 3), 0);
      assert.equal(await f.outboxRows(m.id), 3);
    });

    test('messages: setAuthentication stores the sealed results once, with message.updated outbox rows; nothing for a gone message', async (f) => {
      const { store } = f;
      const m = newMailbox();
      await store.mailboxes.create(m);
      const msg = newMessage(m.id);
      await insertCopy(store, msg, outboxFor(msg, 1), 0);
      const sealed = randomBytes(90);
      await store.messages.setAuthentication({ mailboxId: m.id, messageId: msg.id, sealed: Buffer.from(sealed) }, outboxFor(msg, 2), Date.now());
      assert.deepEqual((await store.messages.get(m.id, msg.id))?.authentication, sealed);
      assert.equal(await f.outboxRows(m.id), 3, 'one message.received row and two message.updated rows');
      // Once: a second call changes nothing and adds no rows.
      await store.messages.setAuthentication({ mailboxId: m.id, messageId: msg.id, sealed: randomBytes(90) }, outboxFor(msg, 2), Date.now());
      assert.deepEqual((await store.messages.get(m.id, msg.id))?.authentication, sealed);
      assert.equal(await f.outboxRows(m.id), 3);
      // Through another mailbox, or for a deleted message: nothing is written, nothing fails.
      const other = newMailbox();
      await store.mailboxes.create(other);
      const gone = newMessage(m.id);
      await insertCopy(store, gone, [], 0);
      assert.equal(await store.messages.delete(m.id, gone.id), true);
      await store.messages.setAuthentication({ mailboxId: m.id, messageId: gone.id, sealed: randomBytes(90) }, outboxFor(gone, 1), Date.now());
      await store.messages.setAuthentication({ mailboxId: other.id, messageId: msg.id, sealed: randomBytes(90) }, [], Date.now());
      assert.equal(await f.outboxRows(m.id), 3);
      assert.deepEqual((await store.messages.get(m.id, msg.id))?.authentication, sealed);
      // The results go with their message.
      assert.equal(await store.messages.delete(m.id, msg.id), true);
      assert.equal(await f.outboxRows(m.id), 0);
    });

    test('messages: a failing insert leaves nothing behind (one transaction)', async (f) => {
      const { store } = f;
      const m = newMailbox();
      await store.mailboxes.create(m);
      const msg = newMessage(m.id);
      const taken = outboxFor(msg, 1);
      await insertCopy(store, msg, taken, 0);
      // The last write (an outbox row whose id is taken) fails after message, raw and attachments.
      const second = newMessage(m.id);
      await assert.rejects(insertCopy(store, second, [{ ...taken[0], messageId: second.id }], 0));
      assert.equal(await store.messages.get(m.id, second.id), null);
      assert.equal(await store.messages.getRaw(m.id, second.id), null);
      assert.equal(await store.messages.getAttachment(m.id, second.id, 0), null);
      assert.equal(await f.outboxRows(m.id), 1);
      assert.deepEqual((await store.messages.list(m.id, 10)).map((r) => r.id), [msg.id]);
      // Same message id again: refused, the first stays whole.
      await assert.rejects(insertCopy(store, newMessage(m.id, { id: msg.id }), [], 0));
      assert.deepEqual(await store.messages.getRaw(m.id, msg.id), msg.raw);
      // A mailbox that does not exist: refused.
      const orphan = newMessage(rid('mbx'));
      await assert.rejects(insertCopy(store, orphan, outboxFor(orphan, 1), 0));
      assert.equal(await f.outboxRows(orphan.mailboxId), 0);
    });

    test('messages: 25 concurrent inserts are all stored', async ({ store }) => {
      const m = newMailbox();
      await store.mailboxes.create(m);
      const msgs = Array.from({ length: 25 }, () => newMessage(m.id));
      await Promise.all(msgs.map((msg) => insertCopy(store, msg, [], 0)));
      const listed = new Set((await store.messages.list(m.id, 100)).map((r) => r.id));
      assert.equal(listed.size, 25);
      for (const msg of msgs) assert.ok(listed.has(msg.id));
    });

    // ---- API keys ----

    test('keys: create, find by hash, list, revoke once, set plan', async ({ store }) => {
      const k: ApiKeyRecord = { id: rid('key'), hash: randomBytes(32), plan: 'free', createdAt: Date.now(), revokedAt: null, prefix: 'tm_abcdef' };
      await store.keys.create(k);
      assert.deepEqual(await store.keys.findByHash(k.hash), k);
      assert.equal(await store.keys.findByHash(randomBytes(32)), null);
      assert.ok((await store.keys.list()).some((r) => r.id === k.id));
      await assert.rejects(store.keys.create({ ...k, id: rid('key') }), 'the hash is unique');

      assert.equal(await store.keys.setPlan(k.hash, 'premium'), true);
      assert.equal((await store.keys.findByHash(k.hash))!.plan, 'premium');
      assert.equal(await store.keys.setPlan(randomBytes(32), 'premium'), false);

      const at = Date.now();
      assert.equal(await store.keys.revoke(k.hash, at), true);
      assert.equal(await store.keys.revoke(k.hash, at + 1), false);
      const revoked = await store.keys.findByHash(k.hash);
      assert.equal(revoked!.revokedAt, at);
      assert.equal(typeof revoked!.createdAt, 'number');
    });

    // ---- receipts ----

    test('receipts: appends chain on the tip, concurrent appends never fork, since() pages in order', async ({ store }) => {
      const log = store.receipts;
      assert.ok(log, 'the store has a receipt log');
      const start = (await log.since(0, 100_000)).at(-1) ?? null;
      const link = (tip: { seq: number; hash: string } | null, tag: string) => {
        const seq = (tip?.seq ?? 0) + 1;
        return { seq, hash: rid(`h${seq}`), json: JSON.stringify({ seq, prev: tip?.hash ?? null, tag }) };
      };
      const first = await log.append((tip) => {
        assert.deepEqual(tip, start ? { seq: start.seq, hash: start.hash } : null, 'the builder is handed the current tip');
        return link(tip, 'first');
      });
      // Twelve at once: each must see the one before it, whatever the interleaving.
      await Promise.all(Array.from({ length: 12 }, (_, i) => log.append((tip) => link(tip, `racer${i}`))));
      const after = await log.since(start?.seq ?? 0, 1000);
      assert.equal(after.length, 13);
      assert.deepEqual(after[0], first);
      for (let i = 1; i < after.length; i++) {
        assert.equal(after[i].seq, after[i - 1].seq + 1, 'no gap');
        assert.equal(JSON.parse(after[i].json).prev, after[i - 1].hash, 'each links to the one before: no fork');
      }
      assert.deepEqual((await log.since(first.seq, 5)).map((r) => r.seq), after.slice(1, 6).map((r) => r.seq), 'pages from since, limited');
      // A builder that throws writes nothing.
      await assert.rejects(log.append(() => { throw new Error('no'); }), /no/);
      assert.equal((await log.since(after.at(-1)!.seq, 10)).length, 0);
    });

    // ---- keyring ----

    test('keyring: get, putIfAbsent (first writer wins), destroyThrough', async ({ keyring }) => {
      const base = 900_000 + Math.floor(Math.random() * 1000) * 10;
      assert.equal(await keyring.get(base), null);
      const first = randomBytes(60);
      assert.deepEqual(await keyring.putIfAbsent(base, first), first);
      assert.deepEqual(await keyring.putIfAbsent(base, randomBytes(60)), first, 'the second writer gets the first key');
      assert.deepEqual(await keyring.get(base), first);

      const racers = Array.from({ length: 8 }, () => randomBytes(60));
      const got = await Promise.all(racers.map((s) => keyring.putIfAbsent(base + 1, s)));
      assert.ok(racers.some((s) => s.equals(got[0])), 'one racer won');
      for (const g of got) assert.deepEqual(g, got[0], 'every racer sees the winner');

      const later = randomBytes(60);
      await keyring.putIfAbsent(base + 5, later);
      assert.deepEqual(await keyring.destroyThrough(base + 1), [base, base + 1]);
      assert.equal(await keyring.get(base), null);
      assert.equal(await keyring.get(base + 1), null);
      assert.deepEqual(await keyring.get(base + 5), later, 'later epochs stay');
      assert.deepEqual(await keyring.destroyThrough(base + 1), []);
      assert.ok((await keyring.epochs()).includes(base + 5), 'epochs() lists the live ones');
      assert.ok(!(await keyring.epochs()).includes(base), 'and not the destroyed');
    });

    test('keyring: resealAll replaces every KEK in one go, or none when one cannot be resealed', async ({ keyring }) => {
      const base = 800_000 + Math.floor(Math.random() * 1000) * 10;
      await keyring.putIfAbsent(base, Buffer.from('sealed-a'));
      await keyring.putIfAbsent(base + 1, Buffer.from('sealed-b'));
      // Suites share a keyring: other tests' rows are resealed too, so mark each row by its epoch.
      const mine = (epoch: number) => epoch === base || epoch === base + 1;
      await assert.rejects(keyring.resealAll((epoch, sealed) => {
        if (epoch === base + 1) throw new Error('cannot open');
        return Buffer.concat([sealed, Buffer.from('!')]);
      }), /cannot open/);
      assert.deepEqual(await keyring.get(base), Buffer.from('sealed-a'), 'a failed reseal changed nothing');
      const seen: number[] = [];
      const n = await keyring.resealAll((epoch, sealed) => {
        if (mine(epoch)) seen.push(epoch);
        return mine(epoch) ? Buffer.from(`${sealed.toString()}+new`) : sealed;
      });
      assert.ok(n >= 2);
      assert.deepEqual(seen, [base, base + 1], 'in epoch order, each once');
      assert.deepEqual(await keyring.get(base), Buffer.from('sealed-a+new'));
      assert.deepEqual(await keyring.get(base + 1), Buffer.from('sealed-b+new'));
      await keyring.destroyThrough(base + 1);
    });

    test('keyring: newest is the KEK of the latest epoch stored', async ({ keyring }) => {
      const top = 50_000_000 + Math.floor(Math.random() * 1000) * 10; // above any other test's epochs
      await keyring.putIfAbsent(top, Buffer.from('below'));
      await keyring.putIfAbsent(top + 3, Buffer.from('latest'));
      assert.deepEqual(await keyring.newest(), { epoch: top + 3, sealed: Buffer.from('latest') });
      await keyring.destroyThrough(top + 3);
      assert.equal(await keyring.newest(), null, 'empty once every epoch is destroyed');
    });

    // Last: it leaves the reserved epoch, above every other, until its own clean-up.
    test('keyring: the address key is one per keyring, outlives every epoch sweep and survives a master-key rotation', async ({ keyring }) => {
      const master = randomBytes(32);
      const [a, b] = await Promise.all([loadAddressDigest(keyring, master), loadAddressDigest(keyring, master)]);
      const address = `${rid('x')}@contract.test`;
      assert.deepEqual(a(address), b(address), 'two nodes starting at once share one key');
      assert.equal(a(address).length, 16);
      assert.deepEqual(a(address.toUpperCase()), a(address), 'case does not matter');
      assert.notDeepEqual(a(address), a(`y${address}`));
      await keyring.destroyThrough(Math.ceil(Date.now() / 1000) + 10 * 365 * 86_400); // any real epoch, even of 1 s
      assert.deepEqual((await loadAddressDigest(keyring, master))(address), a(address), 'kept by the epoch sweep');
      const next = randomBytes(32);
      await rotateMasterKey(keyring, master, next);
      assert.deepEqual((await loadAddressDigest(keyring, next))(address), a(address), 'resealed, same key');
      await assert.rejects(loadAddressDigest(keyring, master), 'the old master key no longer opens it');
      const other = randomBytes(32);
      await keyring.destroyThrough(ADDRESS_KEY_EPOCH);
      assert.notDeepEqual((await loadAddressDigest(keyring, other))(address), a(address), 'another keyring, another key');
      await keyring.destroyThrough(ADDRESS_KEY_EPOCH);
    });
  });
}
