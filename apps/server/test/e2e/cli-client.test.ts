/**
 * The CLI beyond `serve`: `--version`, bare `tempmail` prints help, `keys revoke` by the id
 * `keys list` shows, and the client commands `new`, `inbox`, `wait --otp|--link` against the
 * running service (output in a pipe: the value only, no spinner).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { CLI, SERVER_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);

describe('tempmail CLI', () => {
  let svc: ServiceHandle;
  let key: string;
  let env: Record<string, string>;
  before(async () => {
    svc = await startService();
    key = await createKey(svc, 'free');
    env = { ...svc.env, TEMPMAIL_URL: svc.httpUrl, TEMPMAIL_KEY: key };
  });
  after(async () => { await svc.stop(); });

  const cli = (args: string[], extraEnv: Record<string, string> = {}) => run(process.execPath, [CLI, ...args], { env: { ...env, ...extraEnv } });
  const cliFails = (args: string[]) => cli(args).then(() => { throw new Error(`tempmail ${args.join(' ')} succeeded`); }, (e: { code: number; stdout: string; stderr: string }) => e);

  it('--version prints the package version; bare tempmail prints help', async () => {
    const version = JSON.parse(readFileSync(path.join(SERVER_ROOT, 'package.json'), 'utf8')).version;
    assert.equal((await cli(['--version'])).stdout.trim(), version);
    const help = await cli([]);
    assert.match(help.stdout, /^usage:/);
    assert.match(help.stdout, /tempmail wait EMAIL/);
  });

  it('keys revoke accepts the id that keys list shows', async () => {
    const victim = await createKey(svc, 'free');
    const listed = JSON.parse((await cli(['keys', 'list', '--json'])).stdout) as Array<{ id: string; prefix: string; revoked: boolean }>;
    const entry = listed.find((k) => victim.startsWith(k.prefix) && !k.revoked)!;
    assert.ok(entry);
    assert.equal((await cli(['keys', 'revoke', entry.id])).stdout.trim(), 'revoked');
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: victim })}`)).status, 401);
    assert.equal((await cliFails(['keys', 'revoke', entry.id])).code, 1, 'already revoked');
  });

  it('new, inbox and wait --otp / --link against the running service', async () => {
    const email = (await cli(['new'])).stdout.trim();
    assert.match(email, /^[a-z0-9]+@tempmail\.local$/);
    const json = JSON.parse((await cli(['new', '--ttl', '600', '--json'])).stdout);
    assert.deepEqual(Object.keys(json).sort(), ['email', 'expires_at']);

    const otp = cli(['wait', email, '--otp', '--timeout', '60']);
    const link = cli(['wait', email, '--link', '--timeout', '60']);
    await sendMail(svc.smtpPort, { from: 'noreply@github.com', to: email, subject: 'Your code', text: 'Your verification code is 731942.' });
    await sendMail(svc.smtpPort, {
      from: 'accounts@example.org', to: email, subject: 'Confirm your account',
      html: '<p>Please confirm your email address.</p><a href="https://example.org/confirm?t=xyz">Confirm email</a>',
    });
    const o = await otp;
    assert.equal(o.stdout, '731942\n');
    assert.equal(o.stderr, '', 'no spinner in a pipe');
    assert.equal((await link).stdout, 'https://example.org/confirm?t=xyz\n');

    const lines = (await cli(['inbox', email])).stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^msg_\S+\t\S+Z\taccounts@example\.org\tConfirm your account$/);
  });

  it('wait exits 1 at its timeout; missing key or arguments exit 2 with one line', async () => {
    const email = (await cli(['new'])).stdout.trim();
    const timedOut = await cliFails(['wait', email, '--otp', '--timeout', '1']);
    assert.equal(timedOut.code, 1);
    assert.equal(timedOut.stdout, '');
    assert.match(timedOut.stderr, /^tempmail: .*1 s/);
    const noKey = await run(process.execPath, [CLI, 'new'], { env: { ...svc.env, TEMPMAIL_URL: svc.httpUrl } }).then(() => null, (e) => e);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /TEMPMAIL_KEY/);
    assert.equal((await cliFails(['inbox'])).code, 2);
  });
});
