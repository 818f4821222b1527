/**
 * The packed tempmail-sdk (`npm pack`, as it would be published) installed into an empty
 * project: the tarball ships dist (ESM, CJS and types) and LICENSE, and a sign-up flow written
 * against the installed package runs against the real service (waitForOtp on the server).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('tempmail-sdk as a packed tarball', () => {
  let svc: ServiceHandle;
  let work: string;
  let tarball: string;
  let packedFiles: string[] = [];
  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'tempmail-pack-'));
    const packed = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: path.join(REPO_ROOT, 'packages/sdk'), maxBuffer: 16 << 20 });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info!.filename);
    svc = await startService();
    packedFiles = info!.files.map((f) => f.path);
  });
  after(async () => {
    await svc?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('ships dist (ESM, CJS, types), LICENSE and README', () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/package.json', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(packedFiles.includes(f), `${f} in the tarball`);
    }
  });

  it('installs into an empty project and runs a sign-up flow against the service (import and require)', async () => {
    const project = path.join(work, 'app');
    await run('mkdir', ['-p', project]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run(npm, ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project });
    writeFileSync(path.join(project, 'signup.mjs'), `
import { TempMail } from 'tempmail-sdk';
const tm = new TempMail({ key: process.env.TEMPMAIL_KEY, baseUrl: process.env.TEMPMAIL_URL });
const { email } = await tm.generate();
console.log(JSON.stringify({ email }));
const code = await tm.waitForOtp(email, { timeout: 60000 });
console.log(JSON.stringify({ code }));
`);
    const key = await createKey(svc, 'free');
    const child = spawn(process.execPath, ['signup.mjs'], { cwd: project, env: { ...process.env, TEMPMAIL_KEY: key, TEMPMAIL_URL: svc.httpUrl } });
    const lines: Array<Record<string, string>> = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
          lines.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
          if (lines.length === 1) sendMail(svc.smtpPort, { to: lines[0]!.email!, subject: 'Confirm', text: 'Your sign-up code is 518274.' }).catch(reject);
          if (lines.length === 2) resolve();
        }
      });
      void exited.then((code) => reject(new Error(`signup.mjs exited ${code}: ${stderr}`)));
    });
    assert.equal(await exited, 0, stderr);
    assert.equal(lines[1]!.code, '518274');
    const cjs = await run(process.execPath, ['-e', "const { TempMail } = require('tempmail-sdk'); console.log(typeof TempMail)"], { cwd: project });
    assert.equal(cjs.stdout.trim(), 'function');
  });
});
