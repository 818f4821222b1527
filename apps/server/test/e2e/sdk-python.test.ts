/**
 * The Python SDK (sdks/python, package `tempmail`) against the real service:
 * - its own unittest suite (`python3 -m unittest discover -s sdks/python/tests`, sync and asyncio
 *   clients, server-side waits, mail sent with smtplib);
 * - the packed artefacts: a wheel and an sdist built with `python -m build` from a copy of the
 *   package, the wheel installed into a fresh venv (with pytest), and the docs' pytest example
 *   (sdks/python/examples/pytest, the `tempmail_inbox` fixture found through the pytest11 entry
 *   point) run from an empty folder against the service.
 * pip reads the machine's own configuration (index, mirrors); PIP_RETRIES=0 makes an index that
 * cannot be reached fail over at once instead of after minutes of retries. The build backend
 * (setuptools) is the one pyproject.toml asks for, installed into the build venv.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ISSUES_URL, REPOSITORY_URL } from '../helpers/package-metadata.js';
import { REPO_ROOT } from '../helpers/service.js';
import { commandExists, mustRun, runSuite, type SdkService, startSdkService } from './sdk-harness.js';

const python = process.env.PYTHON ?? 'python3';
const available = await commandExists(python);
const skip = !available && process.env.CI !== 'true' ? `${python} is not installed` : false;
if (skip) console.warn(`\n*** SDK: Python tests SKIPPED: ${skip} ***\n`);
const PIP_ENV = { PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' };

describe('SDK: Python (tempmail)', { skip }, () => {
  let sdk: SdkService;
  let work: string;
  before(async () => {
    sdk = await startSdkService({ senderChecks: true });
    work = mkdtempSync(path.join(tmpdir(), 'tempmail-py-'));
  });
  after(async () => {
    await sdk?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes its own unittest suite against the live service', async () => {
    const r = await runSuite(python, ['-m', 'unittest', 'discover', '-v', '-s', 'sdks/python/tests'], { ...sdk.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });
    if (r.code !== 0 || process.env.TEMPMAIL_SDK_VERBOSE) console.error(r.output);
    assert.equal(r.code, 0, `Python SDK suite failed:\n${r.output.slice(-6000)}`);
    assert.match(r.output, /^OK/m);
    assert.doesNotMatch(r.output, /SKIPPED/);
    const skipped = r.output.split('\n').filter((l) => / \.\.\. skipped/.test(l));
    if (skipped.length) console.warn(`tempmail (python): ${skipped.length} test(s) skipped:\n${skipped.join('\n')}`);
  });

  // Two venvs and pip runs: minutes on a loaded machine, hence the long per-test timeout.
  it('builds a wheel and an sdist; the wheel installs into a fresh venv and the pytest example passes against the service', { timeout: 1_800_000 }, async () => {
    const source = path.join(work, 'source');
    cpSync(path.join(REPO_ROOT, 'sdks/python'), source, { recursive: true, filter: (f) => !/(__pycache__|\.egg-info|[/\\]dist|[/\\]build)$/.test(f) });
    const dist = path.join(work, 'dist');
    await mustRun(python, ['-m', 'venv', path.join(work, 'build-env')], PIP_ENV, work);
    const buildPy = path.join(work, 'build-env/bin/python');
    // The build backend goes into this venv once (--no-isolation): no second environment per build.
    await mustRun(buildPy, ['-m', 'pip', 'install', '-q', 'build', 'setuptools>=61', 'wheel'], PIP_ENV, work);
    await mustRun(buildPy, ['-m', 'build', '--no-isolation', '--outdir', dist, source], PIP_ENV, work);
    const artefacts = readdirSync(dist).sort();
    const wheel = artefacts.find((f) => f.endsWith('.whl'));
    const sdist = artefacts.find((f) => f.endsWith('.tar.gz'));
    assert.ok(wheel && sdist, `wheel and sdist built: ${artefacts.join(', ')}`);
    const wheelFiles = await mustRun(buildPy, ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', path.join(dist, wheel)], PIP_ENV, work);
    for (const f of ['tempmail/__init__.py', 'tempmail/pytest_plugin.py', 'tempmail/py.typed', 'entry_points.txt']) {
      assert.ok(wheelFiles.split('\n').some((l) => l.endsWith(f)), `${f} in the wheel`);
    }
    // dist-info/LICENSE (setuptools before 68) or dist-info/licenses/LICENSE (later ones).
    assert.match(wheelFiles, /\.dist-info\/(licenses\/)?LICENSE$/m, 'LICENSE in the wheel');
    const sdistFiles = await mustRun('tar', ['tzf', path.join(dist, sdist)], {}, work);
    for (const f of ['LICENSE', 'README.md', 'pyproject.toml', 'src/tempmail/client.py']) assert.ok(sdistFiles.includes(f), `${f} in the sdist`);
    const metadata = await mustRun(buildPy, ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(next(n for n in z.namelist() if n.endswith("METADATA"))).decode())', path.join(dist, wheel)], PIP_ENV, work);
    assert.match(metadata, /^License: MIT$/m);
    assert.match(metadata, /^Author: TempMail contributors$/m);
    // [project.urls]: where the source, the issues and the docs are.
    const urls = Object.fromEntries([...metadata.matchAll(/^Project-URL: ([^,]+), (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    assert.equal(urls.Repository, REPOSITORY_URL);
    assert.equal(urls.Issues, ISSUES_URL);
    assert.ok(urls.Homepage?.startsWith(REPOSITORY_URL), `Homepage: ${urls.Homepage}`);
    assert.ok(urls.Documentation?.startsWith(REPOSITORY_URL), `Documentation: ${urls.Documentation}`);

    // A user's project: an empty folder, a venv, the wheel and pytest, and the docs' example.
    const app = path.join(work, 'app');
    cpSync(path.join(REPO_ROOT, 'sdks/python/examples/pytest'), app, { recursive: true });
    await mustRun(python, ['-m', 'venv', path.join(app, '.venv')], PIP_ENV, app);
    const appPy = path.join(app, '.venv/bin/python');
    await mustRun(appPy, ['-m', 'pip', 'install', '-q', path.join(dist, wheel), 'pytest'], PIP_ENV, app);
    const entry = await mustRun(appPy, ['-c', 'from importlib.metadata import entry_points; print([e.value for e in entry_points(group="pytest11")])'], PIP_ENV, app);
    assert.match(entry, /tempmail\.pytest_plugin/);
    const env = { ...PIP_ENV, TEMPMAIL_URL: sdk.env.TEMPMAIL_URL!, TEMPMAIL_KEY: sdk.env.TEMPMAIL_FREE_KEY!, SMTP_PORT: sdk.env.TEMPMAIL_SMTP_PORT! };
    const keyed = await runSuite(appPy, ['-m', 'pytest', '-p', 'no:cacheprovider', '-v'], env, 240_000, app);
    assert.equal(keyed.code, 0, keyed.output);
    assert.match(keyed.output, /2 passed/);
    // No key: the fixture makes anonymous mailboxes.
    const anonymous = await runSuite(appPy, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q'], { ...env, TEMPMAIL_KEY: '' }, 240_000, app);
    assert.equal(anonymous.code, 0, anonymous.output);
    assert.match(anonymous.output, /2 passed/);
  });
});
