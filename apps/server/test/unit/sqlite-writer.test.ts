/**
 * The SQLite writer thread (adapters/sqlite/writer-thread.ts): a batch's buffers move to the
 * thread without a copy and arrive intact; a message that cannot be written fails alone while
 * the rest of its batch commits; slices of Node's shared Buffer pool are copied, never moved.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/store.js';
import { movableBuffers } from '../../src/adapters/sqlite/writer-thread.js';
import type { StoredMessage } from '../../src/domain/types.js';

describe('SQLite writer thread', () => {
  let dir: string;
  let store: SqliteStore;
  const mailboxId = 'mbx_writer_test';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tempmail-writer-'));
    store = new SqliteStore(path.join(dir, 'tempmail.db'));
    const now = Date.now();
    await store.mailboxes.create({
      id: mailboxId, address: 'writer@writer.test', tokenHash: null, ownerKeyId: null,
      creatorIp: null, creatorClient: null, createdAt: now, expiresAt: now + 3_600_000, wrappedKey: randomBytes(60), keyEpoch: 1,
    });
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const message = (id: string, rawBytes = 30_000): StoredMessage => ({
    id, mailboxId, receivedAt: Date.now(), size: rawBytes,
    summary: Buffer.from(`summary of ${id}`), // small: a slice of Node's shared pool
    body: randomBytes(12_000),
    raw: randomBytes(rawBytes),
    attachments: [randomBytes(9_000), randomBytes(5_000)],
  });

  it('moves a batch\'s own buffers to the thread and stores them byte for byte', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => message(`msg_move_${i}`));
    const copies = messages.map((m) => ({ raw: Buffer.from(m.raw), body: Buffer.from(m.body), a1: Buffer.from(m.attachments[1]), summary: Buffer.from(m.summary) }));
    await Promise.all(messages.map((m) => store.messages.insert(m, [], 0)));
    for (const [i, m] of messages.entries()) {
      assert.equal(m.raw.byteLength, 0, 'the raw buffer was moved, not copied');
      assert.equal(m.summary.toString(), copies[i].summary.toString(), 'a pooled buffer was copied and is untouched');
      assert.deepEqual(await store.messages.getRaw(mailboxId, m.id), copies[i].raw);
      assert.deepEqual(await store.messages.getAttachment(mailboxId, m.id, 1), copies[i].a1);
      assert.deepEqual((await store.messages.get(mailboxId, m.id))?.body, copies[i].body);
    }
  });

  it('fails only the message that cannot be written; the rest of its batch commits', async () => {
    await store.messages.insert(message('msg_taken'), [], 0);
    const batch = [message('msg_ok_1'), message('msg_taken'), message('msg_ok_2')];
    const settled = await Promise.allSettled(batch.map((m) => store.messages.insert(m, [], 0)));
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((settled[1] as PromiseRejectedResult).reason), /UNIQUE|constraint/i);
    assert.notEqual(await store.messages.getRaw(mailboxId, 'msg_ok_1'), null);
    assert.notEqual(await store.messages.getRaw(mailboxId, 'msg_ok_2'), null);
    assert.equal((await store.messages.usage(mailboxId)).count, 12 + 3);
  });

  it('never moves a slice of the shared pool, nor one buffer twice', () => {
    const pooled = Buffer.from('tiny');
    const own = Buffer.alloc(10_000);
    const view = Buffer.from(own.buffer, 0, 100);
    const m = { ...message('msg_x'), summary: pooled, body: own, raw: view, attachments: [own] };
    const moved = movableBuffers([{ message: m, outbox: [], keepNewest: 0 }]);
    assert.equal(moved.length, 1);
    assert.equal(moved[0], own.buffer);
  });
});
