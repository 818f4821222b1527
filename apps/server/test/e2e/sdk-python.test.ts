/**
 * The Python SDK (sdks/python, package `tempmail`) against the real service: runs its own
 * unittest suite (`python3 -m unittest discover -s sdks/python/tests`, sync and asyncio clients,
 * mail sent with smtplib) with the service's coordinates in the environment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commandExists, runSuite, type SdkService, startSdkService } from './sdk-harness.js';

const python = process.env.PYTHON ?? 'python3';
const available = await commandExists(python);
const skip = !available && process.env.CI !== 'true' ? `${python} is not installed` : false;
if (skip) console.warn(`\n*** SDK: Python tests SKIPPED: ${skip} ***\n`);

describe('SDK: Python (tempmail)', { skip }, () => {
  let sdk: SdkService;
  before(async () => { sdk = await startSdkService(); });
  after(async () => { await sdk?.stop(); });

  it('passes its own unittest suite against the live service', async () => {
    const r = await runSuite(python, ['-m', 'unittest', 'discover', '-v', '-s', 'sdks/python/tests'], { ...sdk.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });
    if (r.code !== 0 || process.env.TEMPMAIL_SDK_VERBOSE) console.error(r.output);
    assert.equal(r.code, 0, `Python SDK suite failed:\n${r.output.slice(-6000)}`);
    assert.match(r.output, /^OK/m);
    assert.doesNotMatch(r.output, /SKIPPED/);
    const skipped = r.output.split('\n').filter((l) => / \.\.\. skipped/.test(l));
    if (skipped.length) console.warn(`tempmail (python): ${skipped.length} test(s) skipped:\n${skipped.join('\n')}`);
  });
});
