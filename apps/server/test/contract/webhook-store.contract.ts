/**
 * The WebhookStore port's contract: one suite every adapter must pass (SQLite and PostgreSQL,
 * see webhook-store.test.ts). Only ports are used. Each case gets a fresh, empty store, because
 * claims see every due row of the store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import type { Mailbox, StoredMessage } from '../../src/domain/types.js';
import type { Store } from '../../src/ports/store.js';
import type { DeliveryAttempt, OutboxClaim, WebhookStore } from '../../src/ports/webhook-store.js';
import { caseFixture } from './services.js';

export interface WebhookStoreFixture {
  store: Store;
  close(): Promise<void>;
}

/** A fresh, empty store per call; throws ServiceUnavailable when the backend is absent. */
export type WebhookStoreFactory = () => Promise<WebhookStoreFixture>;

let seq = 0;
const uid = (p: string) => `${p}_${(++seq).toString().padStart(4, '0')}${randomBytes(6).toString('hex')}`;

function mailbox(now: number): Mailbox {
  const id = uid('mbx');
  return {
    id, address: `${id}@tempmail.local`, tokenHash: null, ownerKeyId: 'key_1', createdAt: now, expiresAt: now + 3_600_000,
    wrappedKey: randomBytes(60), keyEpoch: 1, creatorIp: null, creatorClient: null,
  };
}

function message(mailboxId: string, receivedAt: number): StoredMessage {
  return { id: uid('msg'), mailboxId, receivedAt, size: 1, summary: randomBytes(8), body: randomBytes(8), raw: randomBytes(8), attachments: [] };
}

const attempt = (webhookId: string, messageId: string, n: number, outcome: DeliveryAttempt['outcome'] = 'failed'): DeliveryAttempt => ({
  webhookId, messageId, attempt: n, at: 1000 + n, statusCode: 500, latencyMs: 3, error: 'HTTP 500', outcome,
});

const ALL = { now: Number.MAX_SAFE_INTEGER - 1, leaseUntil: Number.MAX_SAFE_INTEGER, limit: 1000, excludeWebhookIds: [] as string[] };

/** Registers the contract suite for one adapter. */
export function webhookStoreContract(name: string, open: WebhookStoreFactory): void {
  describe(`WebhookStore contract: ${name}`, () => {
    /** A case on a fresh store: skipped (or failed on CI) when the backend is absent. */
    const onFixture = caseFixture<WebhookStoreFixture>(open);
    const test = (title: string, fn: (store: Store) => Promise<void>) => onFixture(title, (fx) => fn(fx.store));

    async function setup(store: Store, hooks = 1) {
      const w = store.webhooks as WebhookStore;
      assert.ok(w, 'the store exposes webhooks');
      const now = 1_000_000;
      const mbx = mailbox(now);
      await store.mailboxes.create(mbx);
      const ids: string[] = [];
      for (let i = 0; i < hooks; i++) {
        const id = uid('whk');
        await w.create({ id, mailboxId: mbx.id, url: `https://example.com/${i}`, sealedSecret: randomBytes(40), createdAt: now + i, disabledAt: null, disabledReason: null });
        ids.push(id);
      }
      const deliver = async (at: number) => {
        const m = message(mbx.id, at);
        const rows = (await w.activeIds(mbx.id)).map((webhookId) => ({ id: uid('obx'), webhookId, messageId: m.id, mailboxId: mbx.id }));
        await store.messages.insert(m, rows, 0);
        return { message: m, rows };
      };
      return { w, mbx, ids, deliver, now };
    }

    test('backlog counts unsettled outbox rows; a settled one leaves it', async (store) => {
      const { w, deliver } = await setup(store, 2);
      assert.equal(await w.backlog(), 0);
      await deliver(1_000_100);
      await deliver(1_000_200);
      assert.equal(await w.backlog(), 4, 'two messages, two webhooks each');
      const [c] = await w.claimDue({ ...ALL, limit: 1 });
      await w.settle(c.id, { kind: 'done' }, null, 3);
      assert.equal(await w.backlog(), 3);
    });

    // ---- registrations ----

    test('creates, lists, finds active ids and deletes', async (store) => {
      const { w, mbx, ids } = await setup(store, 2);
      assert.deepEqual((await w.listByMailbox(mbx.id)).map((x) => x.id), ids);
      assert.deepEqual((await w.activeIds(mbx.id)).sort(), [...ids].sort());
      const got = await w.get(ids[0]);
      assert.equal(got?.url, 'https://example.com/0');
      assert.ok(Buffer.isBuffer(got?.sealedSecret));
      assert.equal(await w.delete(ids[0]), true);
      assert.equal(await w.delete(ids[0]), false);
      assert.equal(await w.get(ids[0]), null);
      assert.equal(await w.get('whk_nothing'), null);
    });

    test('keeps every field of a record intact, disabled ones listed but not active', async (store) => {
      const { w, mbx, ids } = await setup(store, 1);
      const secret = randomBytes(57);
      const disabled = {
        id: uid('whk'), mailboxId: mbx.id, url: 'https://example.org/hook?x=1', sealedSecret: secret, createdAt: 1_700_000_000_123,
        disabledAt: 1_700_000_000_456, disabledReason: 'operator',
      };
      await w.create(disabled);
      assert.deepEqual(await w.get(disabled.id), disabled);
      const listed = await w.listByMailbox(mbx.id);
      assert.deepEqual(listed.map((x) => x.id), [ids[0], disabled.id], 'oldest first, disabled included');
      assert.deepEqual(listed[1], disabled);
      assert.deepEqual(listed[0].disabledAt, null);
      assert.deepEqual(listed[0].disabledReason, null);
      assert.equal(typeof listed[0].createdAt, 'number');
      assert.deepEqual(await w.activeIds(mbx.id), [ids[0]]);
      assert.deepEqual(await w.listByMailbox('mbx_nothing'), []);
      assert.deepEqual(await w.activeIds('mbx_nothing'), []);
    });

    test('orders a mailbox\'s webhooks by creation time, then id', async (store) => {
      const { w, mbx } = await setup(store, 0);
      const make = (id: string, createdAt: number) =>
        w.create({ id, mailboxId: mbx.id, url: `https://example.com/${id}`, sealedSecret: randomBytes(8), createdAt, disabledAt: null, disabledReason: null });
      await make('whk_c', 5);
      await make('whk_B', 5);
      await make('whk_a', 5);
      await make('whk_z', 1);
      assert.deepEqual((await w.listByMailbox(mbx.id)).map((x) => x.id), ['whk_z', 'whk_B', 'whk_a', 'whk_c'], 'byte order on ties');
    });

    test('refuses a webhook for a mailbox that does not exist', async (store) => {
      const w = store.webhooks as WebhookStore;
      await assert.rejects(w.create({
        id: uid('whk'), mailboxId: 'mbx_nothing', url: 'https://example.com/', sealedSecret: randomBytes(8), createdAt: 1, disabledAt: null, disabledReason: null,
      }));
    });

    // ---- claiming ----

    test('claims due rows once, earliest first, with the webhook joined, and leases them', async (store) => {
      const { w, mbx, ids, deliver, now } = await setup(store, 1);
      const a = await deliver(now + 10);
      const b = await deliver(now + 5);
      await deliver(now + 10_000); // not due yet
      const hook = await w.get(ids[0]);
      const claims = await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] });
      assert.deepEqual(claims.map((c) => c.messageId), [b.message.id, a.message.id]);
      assert.deepEqual(claims[0], {
        id: b.rows[0].id, webhookId: ids[0], messageId: b.message.id, mailboxId: mbx.id, event: 'message.received', attempts: 0, dueAt: now + 5,
        url: 'https://example.com/0', sealedSecret: hook!.sealedSecret,
      });
      assert.equal(claims[1].dueAt, now + 10);
      assert.deepEqual(await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] }), [], 'leased');
      assert.deepEqual(await w.claimDue({ now: now + 9_999, leaseUntil: now + 70_000, limit: 10, excludeWebhookIds: [] }), [], 'still leased');
      const later = await w.claimDue({ now: now + 60_000, leaseUntil: now + 120_000, limit: 10, excludeWebhookIds: [] });
      assert.equal(later.length, 3, 'the lease ran out (crash mid-send) and the rows are due again');
      assert.deepEqual(later.map((c) => c.dueAt), [now + 10_000, now + 60_000, now + 60_000], 'the leased due time, sorted');
      assert.ok(later.every((c) => c.attempts === 0), 'a lease is not an attempt');
    });

    test('rows written with authentication results are claimed as message.updated, due at their time', async (store) => {
      const { w, mbx, ids, deliver, now } = await setup(store, 1);
      const a = await deliver(now + 10);
      const rows = [{ id: uid('obx'), webhookId: ids[0], messageId: a.message.id, mailboxId: mbx.id }];
      await store.messages.setAuthentication({ mailboxId: mbx.id, messageId: a.message.id, sealed: randomBytes(50) }, rows, now + 20);
      const claims = await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] });
      assert.deepEqual(claims.map((c) => [c.messageId, c.event, c.dueAt]), [[a.message.id, 'message.received', now + 10], [a.message.id, 'message.updated', now + 20]]);
      assert.equal(claims[1].id, rows[0].id);
    });

    test('a row is due exactly at its time', async (store) => {
      const { w, deliver, now } = await setup(store, 1);
      await deliver(now + 50);
      assert.deepEqual(await w.claimDue({ now: now + 49, leaseUntil: now + 1000, limit: 10, excludeWebhookIds: [] }), []);
      assert.equal((await w.claimDue({ now: now + 50, leaseUntil: now + 1000, limit: 10, excludeWebhookIds: [] })).length, 1);
    });

    test('a limit of 0 claims nothing', async (store) => {
      const { w, deliver, now } = await setup(store, 1);
      await deliver(now);
      assert.deepEqual(await w.claimDue({ now: now + 10, leaseUntil: now + 1000, limit: 0, excludeWebhookIds: [] }), []);
      assert.equal((await w.claimDue({ now: now + 10, leaseUntil: now + 1000, limit: 5, excludeWebhookIds: [] })).length, 1, 'nothing was leased');
    });

    test('respects the limit and the excluded webhooks, and release gives a row back', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 2);
      await deliver(now);
      await deliver(now + 1);
      const one = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 1, excludeWebhookIds: [] });
      assert.equal(one.length, 1);
      assert.equal(one[0].dueAt, now);
      const others = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [ids[0]] });
      assert.ok(others.length > 0 && others.every((c) => c.webhookId === ids[1]));
      await w.release(one[0].id, one[0].dueAt);
      const again = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] });
      assert.ok(again.some((c) => c.id === one[0].id));
      assert.equal(again.find((c) => c.id === one[0].id)?.attempts, 0);
      assert.equal(again.find((c) => c.id === one[0].id)?.dueAt, now, 'due again at its old time');
      await w.release('obx_nothing', now); // not an error
    });

    test('excluding every webhook claims nothing', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 2);
      await deliver(now);
      assert.deepEqual(await w.claimDue({ now: now + 10, leaseUntil: now + 1000, limit: 10, excludeWebhookIds: ids }), []);
      assert.equal((await w.claimDue({ now: now + 10, leaseUntil: now + 1000, limit: 10, excludeWebhookIds: ['whk_other'] })).length, 2);
    });

    test('concurrent claimers never get the same row, and together get every due row', async (store) => {
      const { w, deliver, now } = await setup(store, 3);
      for (let i = 0; i < 20; i++) await deliver(now + i);
      const batches = await Promise.all(Array.from({ length: 8 }, () =>
        w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 8, excludeWebhookIds: [] })));
      const claimed: OutboxClaim[] = batches.flat();
      const ids = claimed.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length, 'a row claimed twice');
      assert.equal(ids.length, 60, 'every due row claimed once');
      for (const b of batches) assert.deepEqual(b.map((c) => c.dueAt), [...b.map((c) => c.dueAt)].sort((x, y) => x - y));
      assert.deepEqual(await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 100, excludeWebhookIds: [] }), []);
    });

    // ---- settling and the log ----

    test('settles: retry counts the attempt, done deletes, and the log keeps the newest N', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 1);
      const { rows, message: m } = await deliver(now);
      for (let n = 1; n <= 5; n++) {
        const [c] = await w.claimDue({ now: now + n * 100_000, leaseUntil: now + n * 100_000 + 1, limit: 1, excludeWebhookIds: [] });
        assert.equal(c.id, rows[0].id);
        assert.equal(c.attempts, n - 1);
        await w.settle(c.id, { kind: 'retry', at: now + n * 100_000 + 10 }, attempt(ids[0], m.id, n), 3);
        assert.deepEqual(await w.claimDue({ now: now + n * 100_000 + 9, leaseUntil: now, limit: 1, excludeWebhookIds: [] }), [], 'due at the retry time');
      }
      const log = await w.recentAttempts(ids[0], 10);
      assert.deepEqual(log.map((a) => a.attempt), [5, 4, 3], 'newest first, trimmed to 3');
      assert.deepEqual(log[0], attempt(ids[0], m.id, 5));
      assert.deepEqual((await w.recentAttempts(ids[0], 2)).map((a) => a.attempt), [5, 4]);
      const [c] = await w.claimDue({ now: now + 10_000_000, leaseUntil: now + 10_000_001, limit: 1, excludeWebhookIds: [] });
      await w.settle(c.id, { kind: 'done' }, { ...attempt(ids[0], m.id, 6, 'delivered'), statusCode: 200, error: null }, 3);
      assert.deepEqual(await w.claimDue(ALL), []);
      assert.equal((await w.recentAttempts(ids[0], 1))[0].outcome, 'delivered');
    });

    test('keeps null fields of an attempt, logs nothing without one, and keeps at least one entry', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 1);
      const { message: m } = await deliver(now);
      const [c] = await w.claimDue({ now: now + 10, leaseUntil: now + 20, limit: 1, excludeWebhookIds: [] });
      await w.settle(c.id, { kind: 'retry', at: now + 30 }, null, 5);
      assert.deepEqual(await w.recentAttempts(ids[0], 10), [], 'no attempt, no log entry');
      const [c2] = await w.claimDue({ now: now + 30, leaseUntil: now + 40, limit: 1, excludeWebhookIds: [] });
      assert.equal(c2.attempts, 1, 'the retry counted even without a log entry');
      const timeout: DeliveryAttempt = {
        webhookId: ids[0], messageId: m.id, attempt: 2, at: now + 35, statusCode: null, latencyMs: null, error: 'timeout', outcome: 'failed',
      };
      await w.settle(c2.id, { kind: 'retry', at: now + 50 }, timeout, 5);
      assert.deepEqual(await w.recentAttempts(ids[0], 10), [timeout]);
      const [c3] = await w.claimDue({ now: now + 50, leaseUntil: now + 60, limit: 1, excludeWebhookIds: [] });
      await w.settle(c3.id, { kind: 'retry', at: now + 70 }, attempt(ids[0], m.id, 3), 0);
      assert.deepEqual((await w.recentAttempts(ids[0], 10)).map((a) => a.attempt), [3], 'keep 0 keeps the newest one');
    });

    test('trims each webhook\'s log on its own', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 2);
      const { message: m } = await deliver(now);
      const claims = await w.claimDue({ now: now + 10, leaseUntil: now + 20, limit: 10, excludeWebhookIds: [] });
      const [c0, c1] = [claims.find((c) => c.webhookId === ids[0])!, claims.find((c) => c.webhookId === ids[1])!];
      await w.settle(c1.id, { kind: 'retry', at: now + 1000 }, attempt(ids[1], m.id, 1), 2);
      await w.settle(c0.id, { kind: 'retry', at: now + 1000 }, attempt(ids[0], m.id, 1), 2);
      for (let n = 2; n <= 4; n++) {
        const [c] = await w.claimDue({ now: now + n * 1000, leaseUntil: now + n * 1000 + 1, limit: 1, excludeWebhookIds: [ids[1]] });
        await w.settle(c.id, { kind: 'retry', at: now + (n + 1) * 1000 }, attempt(ids[0], m.id, n), 2);
      }
      assert.deepEqual((await w.recentAttempts(ids[0], 10)).map((a) => a.attempt), [4, 3]);
      assert.deepEqual((await w.recentAttempts(ids[1], 10)).map((a) => a.attempt), [1], 'the other webhook\'s log is untouched');
    });

    test('concurrent settlements of one webhook keep exactly the newest N entries', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 1);
      for (let i = 0; i < 12; i++) await deliver(now + i);
      const claims = await w.claimDue({ now: now + 100, leaseUntil: now + 1000, limit: 100, excludeWebhookIds: [] });
      assert.equal(claims.length, 12);
      await Promise.all(claims.map((c, i) => w.settle(c.id, { kind: 'done' }, { ...attempt(ids[0], c.messageId, 1, 'delivered'), at: now + i }, 5)));
      const log = await w.recentAttempts(ids[0], 100);
      assert.equal(log.length, 5);
      assert.deepEqual(await w.claimDue(ALL), [], 'every row settled');
    });

    test('disable stops the webhook: no new outbox rows, pending rows dropped', async (store) => {
      const { w, mbx, ids, deliver, now } = await setup(store, 2);
      await deliver(now);
      await deliver(now + 1);
      const claims = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [ids[1]] });
      await w.settle(claims[0].id, { kind: 'disable', webhookId: ids[0], reason: 'receiver answered 410 Gone', at: now + 20 }, attempt(ids[0], claims[0].messageId, 1, 'disabled'), 20);
      const hook = await w.get(ids[0]);
      assert.equal(hook?.disabledAt, now + 20);
      assert.equal(hook?.disabledReason, 'receiver answered 410 Gone');
      assert.deepEqual(await w.activeIds(mbx.id), [ids[1]]);
      assert.equal((await w.recentAttempts(ids[0], 10))[0].outcome, 'disabled');
      const rest = await w.claimDue(ALL);
      assert.ok(rest.every((c) => c.webhookId === ids[1]) && rest.length === 2);
      // A second 410 (from an attempt already in flight) keeps the first disable time and reason.
      await w.settle(claims[1].id, { kind: 'disable', webhookId: ids[0], reason: 'again', at: now + 99 }, null, 20);
      assert.equal((await w.get(ids[0]))?.disabledAt, now + 20);
      assert.equal((await w.get(ids[0]))?.disabledReason, 'receiver answered 410 Gone');
    });

    test('rows of a disabled webhook are not claimed even if they remain', async (store) => {
      const { w, mbx, deliver, now } = await setup(store, 0);
      const id = uid('whk');
      await w.create({ id, mailboxId: mbx.id, url: 'https://example.com/off', sealedSecret: randomBytes(8), createdAt: now, disabledAt: now, disabledReason: 'off' });
      const m = message(mbx.id, now);
      await store.messages.insert(m, [{ id: uid('obx'), webhookId: id, messageId: m.id, mailboxId: mbx.id }], 0);
      assert.deepEqual(await w.claimDue(ALL), []);
      await deliver(now); // no active webhooks: no rows
      assert.deepEqual(await w.claimDue(ALL), []);
    });

    test('settling a row whose webhook or mailbox is gone is not an error', async (store) => {
      const { w, mbx, ids, deliver, now } = await setup(store, 1);
      await deliver(now);
      const [c] = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 1, excludeWebhookIds: [] });
      await store.mailboxes.delete(mbx.id);
      await w.settle(c.id, { kind: 'retry', at: now + 100 }, attempt(ids[0], c.messageId, 1), 20);
      await w.settle(c.id, { kind: 'done' }, attempt(ids[0], c.messageId, 1, 'delivered'), 20);
      await w.settle(c.id, { kind: 'disable', webhookId: ids[0], reason: 'gone', at: now }, attempt(ids[0], c.messageId, 1, 'disabled'), 20);
      assert.equal(await w.get(ids[0]), null, 'webhooks go with their mailbox');
      assert.deepEqual(await w.recentAttempts(ids[0], 10), []);
      assert.deepEqual(await w.claimDue(ALL), []);
    });

    test('deleting a mailbox takes its webhooks, their pending rows and their logs, and nothing else', async (store) => {
      const first = await setup(store, 2);
      const second = await setup(store, 1);
      const { w } = first;
      await first.deliver(first.now);
      await second.deliver(second.now);
      const claims = await w.claimDue({ now: first.now + 10, leaseUntil: first.now + 20, limit: 10, excludeWebhookIds: [] });
      assert.equal(claims.length, 3);
      for (const c of claims) await w.settle(c.id, { kind: 'retry', at: first.now + 30 }, attempt(c.webhookId, c.messageId, 1), 20);
      assert.equal(await store.mailboxes.delete(first.mbx.id), true);
      for (const id of first.ids) {
        assert.equal(await w.get(id), null);
        assert.deepEqual(await w.recentAttempts(id, 10), []);
      }
      assert.deepEqual(await w.listByMailbox(first.mbx.id), []);
      const left = await w.claimDue(ALL);
      assert.deepEqual(left.map((c) => c.webhookId), second.ids, 'only the other mailbox\'s row is left');
      assert.equal((await w.recentAttempts(second.ids[0], 10)).length, 1);
      assert.ok(await w.get(second.ids[0]));
    });

    test('deleting a webhook drops its pending rows and its log', async (store) => {
      const { w, ids, deliver, now } = await setup(store, 1);
      await deliver(now);
      const [c] = await w.claimDue({ now: now + 10, leaseUntil: now + 20, limit: 1, excludeWebhookIds: [] });
      await w.settle(c.id, { kind: 'retry', at: now + 30 }, attempt(ids[0], c.messageId, 1), 20);
      assert.equal(await w.delete(ids[0]), true);
      assert.deepEqual(await w.claimDue(ALL), []);
      assert.deepEqual(await w.recentAttempts(ids[0], 10), []);
      await w.settle(c.id, { kind: 'retry', at: now + 30 }, attempt(ids[0], c.messageId, 2), 20);
      assert.deepEqual(await w.recentAttempts(ids[0], 10), [], 'a settlement after the delete logs nothing');
    });
  });
}
