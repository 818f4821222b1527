/**
 * Runs the WebhookStore contract against SQLite (temporary directories) and PostgreSQL
 * (TEMPMAIL_TEST_DATABASE_URL, one fresh schema per case, dropped afterwards), plus what only
 * one adapter promises.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPgStore, openSqliteStore } from './store-fixtures.js';
import { webhookStoreContract } from './webhook-store.contract.js';

webhookStoreContract('sqlite', () => openSqliteStore('tempmail-whstore'));
webhookStoreContract('postgres', () => openPgStore('tm_whstore'));

describe('SqliteWebhookStore bookkeeping', () => {
  it('leaves the connection at synchronous=FULL after claims and settlements (message inserts stay fsynced)', async () => {
    const { store, close } = await openSqliteStore('tempmail-whstore');
    try {
      await store.webhooks.claimDue({ now: 1, leaseUntil: 2, limit: 5, excludeWebhookIds: [] });
      await store.webhooks.settle('obx_none', { kind: 'done' }, null, 5);
      await store.webhooks.release('obx_none', 1);
      assert.equal(store.db.pragma('synchronous', { simple: true }), 2);
    } finally {
      await close();
    }
  });
});
