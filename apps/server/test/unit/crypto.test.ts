import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { randomBytes } from 'node:crypto';
import { DecryptError, open, seal, sealInSlices } from '../../src/crypto/aead.js';
import { MailboxCipher, newDataKey } from '../../src/crypto/envelope.js';
import { KeyService } from '../../src/crypto/key-service.js';

describe('AES-256-GCM seal/open', () => {
  const key = newDataKey();

  it('round-trips and never stores the plaintext', () => {
    const blob = seal(key, 'marker-plaintext', 'aad');
    assert.equal(blob.includes(Buffer.from('marker-plaintext')), false);
    assert.equal(open(key, blob, 'aad').toString(), 'marker-plaintext');
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const blob = seal(key, 'hello world', 'aad');
    for (const offset of [1, 14, blob.length - 1]) {
      const bad = Buffer.from(blob);
      bad[offset] ^= 0x01;
      assert.throws(() => open(key, bad, 'aad'), DecryptError, `flip at ${offset}`);
    }
  });

  it('refuses the wrong key and the wrong associated data', () => {
    const blob = seal(key, 'hello', 'mailbox-a');
    assert.throws(() => open(newDataKey(), blob, 'mailbox-a'), DecryptError);
    assert.throws(() => open(key, blob, 'mailbox-b'), DecryptError);
  });

  it('seals big plaintexts a slice per event-loop turn into the very format open() reads', async () => {
    for (const size of [0, 999, 1000, 10_000, 10_001]) {
      const plaintext = randomBytes(size);
      const blob = await sealInSlices(key, plaintext, 'aad', 1000);
      assert.equal(blob.length, seal(key, plaintext, 'aad').length, `size ${size}: same length as seal()`);
      assert.deepEqual(open(key, blob, 'aad'), plaintext, `size ${size}: opens to the plaintext`);
      assert.throws(() => open(key, blob, 'other'), DecryptError);
    }
    // Other work runs between the slices.
    const order: string[] = [];
    const big = sealInSlices(key, randomBytes(50_000), 'aad', 1000).then(() => order.push('sealed'));
    setImmediate(() => order.push('other work'));
    await big;
    assert.deepEqual(order, ['other work', 'sealed']);
  });
});

describe('MailboxCipher binds ciphertexts to mailbox, message and field', () => {
  const dk = newDataKey();
  const a = new MailboxCipher(dk, 'mbx_a');
  const b = new MailboxCipher(dk, 'mbx_b');
  const blob = a.seal('msg_1', 'body', 'secret body');

  it('opens in place', () => assert.equal(a.open('msg_1', 'body', blob).toString(), 'secret body'));
  it('fails in another mailbox even with the same key', () => assert.throws(() => b.open('msg_1', 'body', blob), DecryptError));
  it('fails for another message id', () => assert.throws(() => a.open('msg_2', 'body', blob), DecryptError));
  it('fails for another field', () => assert.throws(() => a.open('msg_1', 'summary', blob), DecryptError));
});

describe('KeyService epoch keyring', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tempmail-keyring-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const master = newDataKey();
  const epochMs = 1000;

  it('issues data keys that open after a restart, and never after their epoch is destroyed', async () => {
    const keyring = new SqliteKeyring(path.join(dir, 'k1.db'));
    const keys = new KeyService(keyring, master, epochMs);
    const expiresAt = 10_500; // epoch 11: destroyed once now >= 11,000
    const { wrappedKey, keyEpoch } = await keys.issue('mbx_1', expiresAt);
    assert.equal(keyEpoch, 11);
    const blob = (await keys.cipherFor({ id: 'mbx_1', wrappedKey, keyEpoch }))!.seal('m', 'f', 'payload');

    // A fresh KeyService (a restart) unwraps through the keyring.
    const restarted = new KeyService(keyring, master, epochMs);
    const cipher = await restarted.cipherFor({ id: 'mbx_1', wrappedKey, keyEpoch });
    assert.equal(cipher!.open('m', 'f', blob).toString(), 'payload');

    // The wrapped key is bound to its mailbox id.
    const fresh = new KeyService(keyring, master, epochMs);
    assert.equal(await fresh.cipherFor({ id: 'mbx_other', wrappedKey, keyEpoch }), null);

    // Before the epoch ends nothing is destroyed; after it, the key is gone for everyone.
    assert.deepEqual(await restarted.destroyEndedEpochs(10_999), []);
    assert.equal((await restarted.destroyEndedEpochs(11_000)).length, 1);
    const afterDestroy = new KeyService(keyring, master, epochMs);
    assert.equal(await afterDestroy.cipherFor({ id: 'mbx_1', wrappedKey, keyEpoch }), null);
    assert.equal(await keyring.get(11), null);
    await keyring.close();
  });

  it('a keyring sealed under another master key does not open', async () => {
    const keyring = new SqliteKeyring(path.join(dir, 'k2.db'));
    const keys = new KeyService(keyring, master, epochMs);
    const { wrappedKey, keyEpoch } = await keys.issue('mbx_2', 50_000);
    const other = new KeyService(keyring, newDataKey(), epochMs);
    await assert.rejects(other.cipherFor({ id: 'mbx_2', wrappedKey, keyEpoch }), DecryptError);
    await keyring.close();
  });
});
