/**
 * The TypeScript SDK (packages/sdk) against the real service: runs the SDK's own node:test
 * suites (which import the SDK source directly) with the service's coordinates in the
 * environment, with a global WebSocket so waitForMessage's /v1/ws path is covered too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runSuite, type SdkService, startSdkService } from './sdk-harness.js';

describe('SDK: TypeScript (tempmail-sdk)', () => {
  let sdk: SdkService;
  before(async () => { sdk = await startSdkService(); });
  after(async () => { await sdk?.stop(); });

  it('passes its own test suite against the live service', async () => {
    const flags = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined' ? ['--experimental-websocket'] : [];
    const files = ['signature', 'http', 'live'].map((f) => `packages/sdk/test/${f}.test.ts`);
    const r = await runSuite(process.execPath, [...flags, '--no-warnings', '--import', 'tsx', '--test', '--test-reporter=spec', ...files], sdk.env);
    if (r.code !== 0 || process.env.TEMPMAIL_SDK_VERBOSE) console.error(r.output);
    assert.equal(r.code, 0, `SDK suite failed:\n${r.output.slice(-6000)}`);
    assert.match(r.output, /ℹ fail 0/);
    assert.doesNotMatch(r.output, /SKIPPED/);
    const skipped = /ℹ skipped (\d+)/.exec(r.output)?.[1];
    if (skipped !== '0') console.warn(`tempmail-sdk: ${skipped} test(s) skipped:\n${r.output.split('\n').filter((l) => /# SKIP/.test(l)).join('\n')}`);
  });
});
