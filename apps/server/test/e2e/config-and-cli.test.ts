/** Bad configuration stops start-up with one clear line naming the variable; graceful shutdown. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { http } from '../helpers/api.js';
import { CLI, startService, tempDataDir } from '../helpers/service.js';

function serveWith(env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: tempDataDir(), PORT: '0', SMTP_PORT: '0', ...env }, encoding: 'utf8', timeout: 10_000,
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
