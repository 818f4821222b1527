/**
 * The WebhookStore port's semantics, run against SQLite. Written as a contract over a Store
 * factory so the PostgreSQL adapter can run the same cases.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import type { Mailbox, StoredMessage } from '../../src/domain/types.js';
import type { Store } from '../../src/ports/store.js';
import type { DeliveryAttempt, WebhookStore } from '../../src/ports/webhook-store.js';

let seq = 0;
const uid = (p: string) => `${p}_${(++seq).toString().padStart(4, '0')}${randomBytes(6).toString('hex')}`;

function mailbox(now: number): Mailbox {
  const id = uid('mbx');
  return {
    id, address: `${id}@tempmail.local`, tokenHash: null, ownerKeyId: 'key_1', createdAt: now, expiresAt: now + 3_600_000,
    wrappedKey: randomBytes(60), keyEpoch: 1, creatorIp: null,
  };
}

function message(mailboxId: string, receivedAt: number): StoredMessage {
  return { id: uid('msg'), mailboxId, receivedAt, size: 1, summary: randomBytes(8), body: randomBytes(8), raw: randomBytes(8), attachments: [] };
}

const attempt = (webhookId: string, messageId: string, n: number, outcome: DeliveryAttempt['outcome'] = 'failed'): DeliveryAttempt => ({
  webhookId, messageId, attempt: n, at: 1000 + n, statusCode: 500, latencyMs: 3, error: 'HTTP 500', outcome,
});

/** The contract: `open` gives a fresh, empty store. */
export function webhookStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`WebhookStore (${name})`, () => {
    const stores: Store[] = [];
    after(async () => { for (const s of stores) await s.close(); });

    async function setup(hooks = 1) {
      const store = await open();
      stores.push(store);
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
      return { store, w, mbx, ids, deliver, now };
    }

    it('creates, lists, finds active ids and deletes', async () => {
      const { w, mbx, ids } = await setup(2);
      assert.deepEqual((await w.listByMailbox(mbx.id)).map((x) => x.id), ids);
      assert.deepEqual((await w.activeIds(mbx.id)).sort(), [...ids].sort());
      const got = await w.get(ids[0]);
      assert.equal(got?.url, 'https://example.com/0');
      assert.ok(Buffer.isBuffer(got?.sealedSecret));
      assert.equal(await w.delete(ids[0]), true);
      assert.equal(await w.delete(ids[0]), false);
      assert.equal(await w.get(ids[0]), null);
    });

    it('claims due rows once, earliest first, with the webhook joined, and leases them', async () => {
      const { w, ids, deliver, now } = await setup(1);
      const a = await deliver(now + 10);
      const b = await deliver(now + 5);
      await deliver(now + 10_000); // not due yet
      const claims = await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] });
      assert.deepEqual(claims.map((c) => c.messageId), [b.message.id, a.message.id]);
      assert.equal(claims[0].webhookId, ids[0]);
      assert.equal(claims[0].url, 'https://example.com/0');
      assert.equal(claims[0].attempts, 0);
      assert.equal(claims[0].dueAt, now + 5);
      assert.deepEqual(await w.claimDue({ now: now + 100, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] }), [], 'leased');
      const later = await w.claimDue({ now: now + 60_000, leaseUntil: now + 120_000, limit: 10, excludeWebhookIds: [] });
      assert.equal(later.length, 3, 'the lease ran out (crash mid-send) and the rows are due again');
    });

    it('respects the limit and the excluded webhooks, and release gives a row back', async () => {
      const { w, ids, deliver, now } = await setup(2);
      await deliver(now);
      await deliver(now + 1);
      const one = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 1, excludeWebhookIds: [] });
      assert.equal(one.length, 1);
      const others = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [ids[0]] });
      assert.ok(others.every((c) => c.webhookId === ids[1]));
      await w.release(one[0].id, one[0].dueAt);
      const again = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [] });
      assert.ok(again.some((c) => c.id === one[0].id));
      assert.equal(again.find((c) => c.id === one[0].id)?.attempts, 0);
    });

    it('settles: retry counts the attempt, done deletes, and the log keeps the newest N', async () => {
      const { w, ids, deliver, now } = await setup(1);
      const { rows, message: m } = await deliver(now);
      for (let n = 1; n <= 5; n++) {
        const [c] = await w.claimDue({ now: now + n * 100_000, leaseUntil: now + n * 100_000 + 1, limit: 1, excludeWebhookIds: [] });
        assert.equal(c.id, rows[0].id);
        assert.equal(c.attempts, n - 1);
        await w.settle(c.id, { kind: 'retry', at: now + n * 100_000 + 10 }, attempt(ids[0], m.id, n), 3);
      }
      const log = await w.recentAttempts(ids[0], 10);
      assert.deepEqual(log.map((a) => a.attempt), [5, 4, 3], 'newest first, trimmed to 3');
      assert.equal(log[0].statusCode, 500);
      assert.equal(log[0].error, 'HTTP 500');
      const [c] = await w.claimDue({ now: now + 10_000_000, leaseUntil: now + 10_000_001, limit: 1, excludeWebhookIds: [] });
      await w.settle(c.id, { kind: 'done' }, { ...attempt(ids[0], m.id, 6, 'delivered'), statusCode: 200, error: null }, 3);
      assert.deepEqual(await w.claimDue({ now: Number.MAX_SAFE_INTEGER, leaseUntil: 0, limit: 10, excludeWebhookIds: [] }), []);
      assert.equal((await w.recentAttempts(ids[0], 1))[0].outcome, 'delivered');
    });

    it('disable stops the webhook: no new outbox rows, pending rows dropped', async () => {
      const { w, mbx, ids, deliver, now } = await setup(2);
      await deliver(now);
      await deliver(now + 1);
      const claims = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 10, excludeWebhookIds: [ids[1]] });
      await w.settle(claims[0].id, { kind: 'disable', webhookId: ids[0], reason: 'receiver answered 410 Gone', at: now + 20 }, attempt(ids[0], claims[0].messageId, 1, 'disabled'), 20);
      const hook = await w.get(ids[0]);
      assert.equal(hook?.disabledAt, now + 20);
      assert.equal(hook?.disabledReason, 'receiver answered 410 Gone');
      assert.deepEqual(await w.activeIds(mbx.id), [ids[1]]);
      const rest = await w.claimDue({ now: Number.MAX_SAFE_INTEGER - 1, leaseUntil: Number.MAX_SAFE_INTEGER, limit: 10, excludeWebhookIds: [] });
      assert.ok(rest.every((c) => c.webhookId === ids[1]) && rest.length === 2);
    });

    it('settling a row whose webhook or mailbox is gone is not an error', async () => {
      const { store, w, mbx, ids, deliver, now } = await setup(1);
      await deliver(now);
      const [c] = await w.claimDue({ now: now + 10, leaseUntil: now + 60_000, limit: 1, excludeWebhookIds: [] });
      await store.mailboxes.delete(mbx.id);
      await w.settle(c.id, { kind: 'retry', at: now + 100 }, attempt(ids[0], c.messageId, 1), 20);
      assert.equal(await w.get(ids[0]), null, 'webhooks go with their mailbox');
      assert.deepEqual(await w.recentAttempts(ids[0], 10), []);
    });

    it('deleting a webhook drops its pending rows and its log', async () => {
      const { w, ids, deliver, now } = await setup(1);
      await deliver(now);
      const [c] = await w.claimDue({ now: now + 10, leaseUntil: now + 20, limit: 1, excludeWebhookIds: [] });
      await w.settle(c.id, { kind: 'retry', at: now + 30 }, attempt(ids[0], c.messageId, 1), 20);
      await w.delete(ids[0]);
      assert.deepEqual(await w.claimDue({ now: Number.MAX_SAFE_INTEGER, leaseUntil: 0, limit: 10, excludeWebhookIds: [] }), []);
      assert.deepEqual(await w.recentAttempts(ids[0], 10), []);
    });
  });
}

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
webhookStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-whstore-'));
  dirs.push(dir);
  return new SqliteStore(path.join(dir, 'tempmail.db'));
});

describe('SqliteWebhookStore bookkeeping', () => {
  it('leaves the connection at synchronous=FULL after claims and settlements (message inserts stay fsynced)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-whstore-'));
    dirs.push(dir);
    const store = new SqliteStore(path.join(dir, 'tempmail.db'));
    try {
      await store.webhooks.claimDue({ now: 1, leaseUntil: 2, limit: 5, excludeWebhookIds: [] });
      await store.webhooks.settle('obx_none', { kind: 'done' }, null, 5);
      await store.webhooks.release('obx_none', 1);
      assert.equal(store.db.pragma('synchronous', { simple: true }), 2);
    } finally {
      await store.close();
    }
  });
});
