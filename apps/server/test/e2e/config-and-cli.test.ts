/** Bad configuration stops start-up with one clear line naming the variable; graceful shutdown. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { CLI, startService, tempDataDir } from '../helpers/service.js';

function serveWith(env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: tempDataDir(), PORT: '0', SMTP_PORT: '0', ...env }, encoding: 'utf8', timeout: 120_000,
  });
}

describe('configuration', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['PORT', { PORT: 'eighty' }],
    ['TEMPMAIL_TTL_SECONDS', { TEMPMAIL_TTL_SECONDS: '10', TEMPMAIL_MIN_TTL_SECONDS: '60' }],
    ['TEMPMAIL_MASTER_KEY', { TEMPMAIL_MASTER_KEY: 'too-short' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['TEMPMAIL_DOMAINS', { TEMPMAIL_DOMAINS: 'not a domain' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['TEMPMAIL_HEAP_GROWING_PERCENT', { TEMPMAIL_HEAP_GROWING_PERCENT: '5000' }],
    ['TEMPMAIL_TLS_KEY', { TEMPMAIL_TLS_CERT: '/tmp/cert.pem' }],
  ];
  for (const [variable, env] of cases) {
    it(`names ${variable} in one line and exits non-zero`, () => {
      const r = serveWith(env);
      assert.notEqual(r.status, 0);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`\\b${variable}\\b`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('drains on SIGTERM: /readyz goes 503 then the process exits 0', async () => {
    const svc = await startService();
    assert.equal((await http(`${svc.httpUrl}/readyz`)).status, 200);
    const exited = new Promise<number | null>((resolve) => svc.process.once('exit', (code) => resolve(code)));
    svc.process.kill('SIGTERM');
    assert.equal(await exited, 0);
    await svc.stop();
  });

  it('writes no key, token or message text to its logs', async () => {
    const svc = await startService({ LOG_LEVEL: 'debug' });
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    await http(`${svc.httpUrl}/api/inbox.php?email=${box.email}&token=${box.token}`);
    await http(`${svc.httpUrl}/v1/inbox.php?key=tm_notarealkeybutlongenough000`);
    await svc.stop();
    assert.ok(!svc.logs().includes(box.token));
    assert.ok(!svc.logs().includes('tm_notarealkeybutlongenough000'));
  });
});

describe('tempmail keyring rotate', () => {
  const cli = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 120_000,
  });

  it('re-seals the epoch keys with a new master key: the mail stays readable with it, the old key opens nothing', async () => {
    const first = await startService();
    const box = (await http(`${first.httpUrl}/api/generate_email.php`)).body;
    await sendMail(first.smtpPort, { to: box.email, subject: 'before rotation', text: 'Your code is 246810' });
    await eventually(async () => (await http(`${first.httpUrl}/api/inbox.php?${qs(box)}`)).body.length === 1);
    await first.stop({ keepData: true });
    const dataDir = first.dataDir;
    const keyFile = path.join(`${dataDir}-keyring`, 'master.key');
    const oldKey = readFileSync(keyFile, 'utf8').trim();
    const newKeyFile = path.join(dataDir, 'new.key');
    const newKey = randomBytes(32).toString('base64');
    writeFileSync(newKeyFile, `${newKey}\n`);

    // A wrong current key: refused, nothing changed, nothing left behind.
    const wrong = cli(['keyring', 'rotate', '--new-key-file', newKeyFile], { DATA_DIR: dataDir, TEMPMAIL_MASTER_KEY: randomBytes(32).toString('base64') });
    assert.equal(wrong.status, 1, wrong.stderr);
    assert.match(wrong.stderr, /does not open with the current master key; nothing was changed/);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), oldKey);
    assert.equal(existsSync(`${keyFile}.new`), false);
    // No key file given: a usage error.
    assert.equal(cli(['keyring', 'rotate'], { DATA_DIR: dataDir }).status, 2);

    const ok = cli(['keyring', 'rotate', '--new-key-file', newKeyFile], { DATA_DIR: dataDir });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^resealed [1-9]\d* epoch keys? with the new master key\n$/);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), newKey, 'TEMPMAIL_KEYRING_DIR/master.key holds the new key');
    assert.doesNotMatch(ok.stdout + ok.stderr, new RegExp(newKey.replace(/[+/=]/g, '.')), 'the key is never printed');

    const after = await startService({ DATA_DIR: dataDir });
    try {
      const [m] = (await http(`${after.httpUrl}/api/inbox.php?${qs(box)}`)).body;
      assert.equal(m.subject, 'before rotation');
      assert.equal(m.otp, '246810');
      const read = (await http(`${after.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`)).body;
      assert.match(read.body, /246810/);
    } finally {
      await after.stop({ keepData: true });
    }
    // The old key no longer opens the keyring: a node started with it refuses to run, in one line
    // (it would fail every read and seal new epochs' keys with the wrong key).
    const old = spawnSync(process.execPath, [CLI, 'serve'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', SMTP_PORT: '0', TEMPMAIL_MASTER_KEY: oldKey }, encoding: 'utf8', timeout: 120_000,
    });
    assert.notEqual(old.status, 0);
    assert.match(old.stderr, /the master key does not open the keyring/);
    assert.doesNotMatch(old.stderr, /\n\s+at /, 'no stack trace');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-keyring`, { recursive: true, force: true });
  });
});
