/**
 * The packed tempmail-sdk (`npm pack`, as it would be published) installed into an empty
 * project: the tarball ships dist (ESM, CJS and types) and LICENSE, and a sign-up flow written
 * against the installed package runs against the real service (waitForOtp on the server).
 * Then the docs' test-framework examples (packages/sdk/examples) in an empty project with the
 * tarball: the Playwright example run by Playwright Test itself in Debian's Chromium, against
 * the example application and the real service, with a key and again without one (anonymous
 * mailboxes); and the Cypress configuration's tasks, called
 * as Cypress calls them (Cypress itself downloads a binary at install, which cannot be had
 * here: its runner is not run).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { eventually, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { assertNpmLinks } from '../helpers/package-metadata.js';
import { REPO_ROOT, type ServiceHandle, startService } from '../helpers/service.js';
import { spawnTiedNode } from '../helpers/tied-child.js';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXAMPLES = path.join(REPO_ROOT, 'packages/sdk/examples');

/** A TCP port free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The Playwright Test version that matches the repository's playwright-core. */
function playwrightVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/playwright-core/package.json'), 'utf8')) as { version: string }).version;
}
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

  it('ships dist (ESM, CJS, types), LICENSE, README and metadata with the repository, homepage and issue URLs', async () => {
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/package.json', 'LICENSE', 'README.md', 'package.json']) {
      assert.ok(packedFiles.includes(f), `${f} in the tarball`);
    }
    const packedJson = JSON.parse((await run('tar', ['-xzOf', tarball, 'package/package.json'])).stdout) as Record<string, unknown>;
    assert.equal(packedJson.license, 'MIT');
    assertNpmLinks(packedJson, 'packages/sdk');
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

  it('test-framework examples: the Playwright fixture runs in Playwright Test, and the Cypress tasks run as Cypress calls them', async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium)`);
    const project = path.join(work, 'qa');
    cpSync(path.join(EXAMPLES, 'playwright'), project, { recursive: true });
    cpSync(path.join(EXAMPLES, 'cypress'), project, { recursive: true });
    cpSync(path.join(EXAMPLES, 'app.mjs'), path.join(project, 'app.mjs'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'qa', private: true, type: 'module' }));
    await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `@playwright/test@${playwrightVersion()}`], { cwd: project, maxBuffer: 16 << 20 });
    const key = await createKey(svc, 'free');
    const appPort = await freePort();
    const env = {
      ...process.env, TEMPMAIL_URL: svc.httpUrl, TEMPMAIL_KEY: key, SMTP_PORT: String(svc.smtpPort), APP_PORT: String(appPort),
      CHROMIUM_PATH: CHROMIUM, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', CI: '1',
    };

    const pw = await run(path.join(project, 'node_modules/.bin/playwright'), ['test'], { cwd: project, env, maxBuffer: 16 << 20 })
      .catch((e: { stdout?: string; stderr?: string }) => { throw new Error(`playwright test failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`); });
    assert.match(pw.stdout, /2 passed/, pw.stdout);
    // No key (TEMPMAIL_KEY unset): the same fixture makes anonymous mailboxes (/api, with their token).
    const { TEMPMAIL_KEY: _key, ...keyless } = env;
    const anonymous = await run(path.join(project, 'node_modules/.bin/playwright'), ['test'], { cwd: project, env: keyless, maxBuffer: 16 << 20 })
      .catch((e: { stdout?: string; stderr?: string }) => { throw new Error(`playwright test (no key) failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`); });
    assert.match(anonymous.stdout, /2 passed/, anonymous.stdout);

    // Cypress: the config's setupNodeEvents registers the tasks; the spec's steps follow, with
    // fetch in place of cy.visit/type/click and every task answer passed through JSON as Cypress does.
    writeFileSync(path.join(project, 'cypress-tasks.mjs'), `
import config from './cypress.config.mjs';
const tasks = {};
config.e2e.setupNodeEvents((event, handlers) => { if (event === 'task') Object.assign(tasks, handlers); }, {});
const task = async (name, arg) => JSON.parse(JSON.stringify(await tasks[name](arg)));
const base = config.e2e.baseUrl;
const box = await task('tempmailNew');
await fetch(base + '/signup', { method: 'POST', body: new URLSearchParams({ email: box.email }) });
const code = await task('tempmailWaitForOtp', { ...box, timeout: 60000 });
const page = await (await fetch(base + '/verify', { method: 'POST', body: new URLSearchParams({ email: box.email, code }) })).text();
const link = await task('tempmailWaitForLink', { ...box, timeout: 60000, from: 'no-reply@app.example' });
const listed = await task('tempmailInbox', box);
const deleted = await task('tempmailDelete', box);
console.log(JSON.stringify({ tasks: Object.keys(tasks), box, code, welcome: page.includes('Welcome, ' + box.email), link, listed: listed.length, deleted }));
`);
    const app = spawnTiedNode(['app.mjs'], { cwd: project, env: { ...env, PORT: String(appPort) }, stdio: ['ignore', 'ignore'] });
    try {
      await eventually(async () => (await fetch(`http://127.0.0.1:${appPort}/`).then((r) => r.ok, () => false)) || null);
      const out = await run(process.execPath, ['cypress-tasks.mjs'], { cwd: project, env });
      const result = JSON.parse(out.stdout.trim()) as { tasks: string[]; box: { email: string }; code: string; welcome: boolean; link: string; listed: number; deleted: boolean };
      assert.deepEqual(result.tasks.sort(), ['tempmailDelete', 'tempmailInbox', 'tempmailNew', 'tempmailWaitForLink', 'tempmailWaitForMessage', 'tempmailWaitForOtp']);
      assert.match(result.code, /^\d{6}$/);
      assert.equal(result.welcome, true);
      assert.match(result.link, new RegExp(`^http://127\\.0\\.0\\.1:${appPort}/confirm\\?token=`));
      assert.deepEqual([result.listed, result.deleted], [1, true]);
    } finally {
      app.kill();
    }
  });
});
