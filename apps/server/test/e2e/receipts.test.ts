/**
 * Deletion receipts end to end on a real service (one-second key epochs): a mailbox deleted
 * through the API and one left to expire each get a signed receipt, the sweeper's destruction of
 * their epochs' KEKs gets one too, and the chain served at /api/receipts.php verifies, in this
 * process and with the offline CLI (`tempmail receipts verify`) against the key published at
 * /.well-known/tempmail-receipts.json. A receipt changed by one field, and the chain with two
 * receipts swapped, both fail. The KEK of each named epoch is gone from the keyring file, and
 * the signing key file is mode 0600 beside it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { CLI, type ServiceHandle, startService } from '../helpers/service.js';
import { checkChain, publicKeyFromRaw, type Receipt } from '../../src/receipts/receipt.js';

const run = promisify(execFile);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('deletion receipts', () => {
  let svc: ServiceHandle;
  const work = mkdtempSync(path.join(tmpdir(), 'tempmail-receipts-'));
  before(async () => {
    svc = await startService({ TEMPMAIL_KEY_EPOCH_SECONDS: '1', TEMPMAIL_MIN_TTL_SECONDS: '1' });
  });
  after(async () => {
    await svc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const chain = async (): Promise<Receipt[]> => {
    const res = await http(`${svc.httpUrl}/api/receipts.php?${qs({ since: 0 })}`);
    assert.equal(res.status, 200);
    return res.body as Receipt[];
  };
  /** `tempmail receipts verify`: its exit code and output. */
  const verify = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [CLI, 'receipts', 'verify', ...args], { env: { PATH: process.env.PATH ?? '' } });
      return { code: 0, out: stdout };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: `${err.stdout}${err.stderr}` };
    }
  };

  it('delete and expiry: signed, chained, the epochs\' KEKs destroyed and receipted; tampering fails', async () => {
    // Deleted through the API, holding two messages (ten seconds: time enough on a busy machine).
    const a = (await http(`${svc.httpUrl}/api/generate_email.php?${qs({ ttl: 10 })}`)).body as { email: string; token: string };
    await sendMail(svc.smtpPort, { to: a.email, subject: 'one', text: 'x' });
    await sendMail(svc.smtpPort, { to: a.email, subject: 'two', text: 'y' });
    const del = await http(`${svc.httpUrl}/api/delete.php`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: a.email, token: a.token }) });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    const deleted = del.body.receipt as Receipt;
    assert.equal(deleted.event, 'mailbox.deleted');
    assert.equal(deleted.address, sha(a.email));
    assert.equal(deleted.messages, 2);
    assert.ok(Number.isInteger(deleted.key_epoch));
    assert.equal(Date.parse(deleted.epoch_ends_at), deleted.key_epoch * 1000);

    // Left to expire, holding one message.
    const b = (await http(`${svc.httpUrl}/api/generate_email.php?${qs({ ttl: 1 })}`)).body as { email: string; token: string };
    await sendMail(svc.smtpPort, { to: b.email, subject: 'three', text: 'z' }).catch(() => {}); // may already have expired
    const expired = await eventually(async () => (await chain()).find((r) => r.event === 'mailbox.expired' && r.address === sha(b.email)));
    assert.ok(expired.messages === 0 || expired.messages === 1);

    // Each named epoch's KEK destroyed, with its own receipt after the mailbox's.
    const epochs = [deleted.key_epoch, expired.key_epoch];
    const all = await eventually(async () => {
      const c = await chain();
      return epochs.every((e) => c.some((r) => r.event === 'epoch.destroyed' && r.key_epoch === e)) ? c : null;
    });
    for (const e of epochs) {
      const destroyed = all.find((r) => r.event === 'epoch.destroyed' && r.key_epoch === e)!;
      assert.ok(Date.parse(destroyed.at) >= e * 1000, 'destroyed at or after the epoch ended');
    }
    const keyring = new Database(path.join(`${svc.dataDir}-keyring`, 'keyring.db'), { readonly: true });
    try {
      for (const e of epochs) assert.equal((keyring.prepare('SELECT count(*) AS n FROM keks WHERE epoch = ?').get(e) as { n: number }).n, 0, `KEK of epoch ${e} gone`);
    } finally {
      keyring.close();
    }
    assert.equal(statSync(path.join(`${svc.dataDir}-keyring`, 'receipts-ed25519.pem')).mode & 0o777, 0o600);

    // The chain verifies here with the published key.
    const published = (await http(`${svc.httpUrl}/.well-known/tempmail-receipts.json`)).body as { keys: Array<{ key_id: string; public_key: string }> };
    const keys = new Map(published.keys.map((k) => [k.key_id, publicKeyFromRaw(k.public_key)]));
    assert.deepEqual(checkChain(all, keys), []);
    assert.deepEqual(all.map((r) => r.seq), all.map((_, i) => i + 1));
    assert.ok(all.some((r) => JSON.stringify(r) === JSON.stringify(deleted)), 'the delete answer\'s receipt is in the chain as it was');

    // And offline, with the CLI.
    const files = { keys: path.join(work, 'keys.json'), chain: path.join(work, 'chain.json'), receipt: path.join(work, 'receipt.json') };
    writeFileSync(files.keys, JSON.stringify(published));
    writeFileSync(files.chain, JSON.stringify(all));
    writeFileSync(files.receipt, JSON.stringify(del.body));
    const good = await verify(files.receipt, '--keys', files.keys, '--chain', files.chain);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, new RegExp(`the KEK of epoch ${deleted.key_epoch} was destroyed at`));
    assert.equal((await verify(files.chain, '--keys', files.keys)).code, 0);

    // One field changed: the signature fails.
    const tampered = path.join(work, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...deleted, messages: 0 }));
    const bad = await verify(tampered, '--keys', files.keys);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /signature does not match/);
    assert.ok(checkChain(all.map((r) => (r.seq === deleted.seq ? { ...r, messages: 0 } : r)), keys).length > 0);

    // Two receipts swapped: the chain fails, though every signature holds.
    const swapped = [...all];
    [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
    writeFileSync(files.chain, JSON.stringify(swapped));
    const reordered = await verify(files.chain, '--keys', files.keys);
    assert.equal(reordered.code, 1, reordered.out);
    assert.match(reordered.out, /out of order|does not name the hash/);

    // Another instance's key is not trusted.
    writeFileSync(files.keys, JSON.stringify({ keys: [{ key_id: 'someone-else', public_key: published.keys[0].public_key }] }));
    assert.equal((await verify(files.receipt, '--keys', files.keys)).code, 1);
  });

  it('receipts.php pages by since=, and refuses a since that is not a sequence number', async () => {
    const c = await chain();
    assert.ok(c.length >= 2);
    const rest = await http(`${svc.httpUrl}/api/receipts.php?${qs({ since: c[0].seq })}`);
    assert.deepEqual((rest.body as Receipt[]).map((r) => r.seq), c.slice(1).map((r) => r.seq));
    assert.equal((await http(`${svc.httpUrl}/api/receipts.php?since=-1`)).status, 400);
  });
});
