/**
 * Encryption at rest and deletion that holds: no plaintext in the data folder, and after expiry
 * a copy of the data folder taken before expiry can no longer be decrypted, even with the
 * master key. The control case shows the same procedure does decrypt before expiry.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteKeyring } from '../../src/adapters/sqlite/keyring.js';
import { ADDRESS_KEY_EPOCH } from '../../src/crypto/address-key.js';
import { KeyService } from '../../src/crypto/key-service.js';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Tries to decrypt every message of a copied store with the master key and a keyring
 * directory: the attack a backup thief with the master key could mount.
 */
async function decryptCopy(storeFile: string, keyringDir: string, masterKey: Buffer, epochMs: number): Promise<string[]> {
  const db = new Database(storeFile, { readonly: true });
  const keyring = new SqliteKeyring(path.join(keyringDir, 'keyring.db'));
  const keys = new KeyService(keyring, masterKey, epochMs);
  const found: string[] = [];
  try {
    const rows = db.prepare(`SELECT m.id AS message_id, m.summary, b.id, b.wrapped_key, b.key_epoch
      FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id`).all() as any[];
    for (const r of rows) {
      const cipher = await keys.cipherFor({ id: r.id, wrappedKey: r.wrapped_key, keyEpoch: r.key_epoch });
      if (cipher) found.push(cipher.openJson<{ subject: string }>(r.message_id, 'summary', r.summary).subject);
    }
  } finally {
    db.close();
    await keyring.close();
  }
  return found;
}

describe('encryption at rest', () => {
  const cleanup: Array<() => unknown> = [];
  after(async () => { for (const c of cleanup.reverse()) await c(); });

  it('writes no plaintext of subject, body, sender, otp or attachment to the data folder', async () => {
    const svc: ServiceHandle = await startService();
    cleanup.push(() => svc.stop());
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    const marker = `MARKER${Date.now()}XYZZY`;
    await sendMail(svc.smtpPort, {
      from: `${marker.toLowerCase()}@sender.example`, to: box.email, subject: `Subject ${marker}`,
      text: `Body ${marker} and your code is 918273`, html: `<p>Html ${marker}</p>`,
      attachments: [{ filename: `${marker}.txt`, content: `attachment ${marker}` }],
    });
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const files = [...filesUnder(svc.dataDir), ...filesUnder(`${svc.dataDir}-keyring`)];
    assert.ok(files.some((f) => f.endsWith('tempmail.db-wal') || f.endsWith('tempmail.db')));
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const needle of [marker, marker.toLowerCase(), '918273', Buffer.from(`attachment ${marker}`).toString('base64').slice(0, 16)]) {
        assert.equal(bytes.includes(Buffer.from(needle)), false, `${path.basename(f)} contains ${needle}`);
      }
      assert.equal(bytes.includes(Buffer.from(marker, 'utf16le')), false);
    }
  });

  it('after expiry, a copy of the data folder taken before expiry cannot be decrypted with the master key', async () => {
    const epochSeconds = 2;
    const svc = await startService({ TEMPMAIL_MIN_TTL_SECONDS: '1', TEMPMAIL_KEY_EPOCH_SECONDS: String(epochSeconds) });
    cleanup.push(() => svc.stop());
    // A TTL long enough for the delivery and the backup on a busy machine; the epoch stays short.
    const box = (await http(`${svc.httpUrl}/api/generate_email.php?ttl=10`)).body;
    await sendMail(svc.smtpPort, { to: box.email, subject: 'secret-subject', text: 'secret body' });
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);

    // A "backup" of the whole data folder, with its WAL, taken while the mailbox is live.
    const backup = mkdtempSync(path.join(tmpdir(), 'tempmail-backup-'));
    cleanup.push(() => rmSync(backup, { recursive: true, force: true }));
    cpSync(svc.dataDir, backup, { recursive: true });
    const liveKeyring = `${svc.dataDir}-keyring`;
    // The generated master key lives beside the keyring, never in the data folder (so not in its backup).
    assert.equal(existsSync(path.join(backup, 'master.key')), false);
    const masterKey = Buffer.from(readFileSync(path.join(liveKeyring, 'master.key'), 'utf8').trim(), 'base64');

    // Control: before expiry the copy opens with the master key and the keyring as it is now.
    const keyringNow = mkdtempSync(path.join(tmpdir(), 'tempmail-keyring-now-'));
    cleanup.push(() => rmSync(keyringNow, { recursive: true, force: true }));
    cpSync(liveKeyring, keyringNow, { recursive: true });
    assert.deepEqual(await decryptCopy(path.join(backup, 'tempmail.db'), keyringNow, masterKey, epochSeconds * 1000), ['secret-subject']);

    // After expiry the sweeper purges the mailbox and destroys its epoch key.
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).status === 404, 6000);
    await eventually(async () => {
      const copy = mkdtempSync(path.join(tmpdir(), 'tempmail-keyring-later-'));
      try {
        cpSync(liveKeyring, copy, { recursive: true });
        return (await decryptCopy(path.join(backup, 'tempmail.db'), copy, masterKey, epochSeconds * 1000)).length === 0;
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }, 8000, 200);
    // The live store no longer has the rows either.
    const db = new Database(path.join(svc.dataDir, 'tempmail.db'), { readonly: true });
    try {
      assert.equal((db.prepare('SELECT count(*) AS n FROM messages').get() as any).n, 0);
    } finally {
      db.close();
    }
    // And the keyring file itself holds no trace of the destroyed sealed key bytes.
    const keyringBytes = readFileSync(path.join(liveKeyring, 'keyring.db'));
    const oldKeyring = new Database(path.join(keyringNow, 'keyring.db'), { readonly: true });
    // Epoch keys only: the address key (a reserved epoch, crypto/address-key.ts) is never destroyed.
    const sealed = (oldKeyring.prepare('SELECT sealed FROM keks WHERE epoch < ?').all(ADDRESS_KEY_EPOCH) as Array<{ sealed: Buffer }>).map((r) => r.sealed);
    oldKeyring.close();
    assert.ok(sealed.length > 0);
    for (const blob of sealed) assert.equal(keyringBytes.includes(blob.subarray(0, 24)), false, 'destroyed KEK bytes linger in keyring.db');
  });
});
