/** verifyWebhookSignature against node:crypto's HMAC (offline). */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseWebhookEvent, signWebhookPayload, TempMailError, verifyWebhookSignature } from '../src/index.js';

const secret = 'whsec_test_0123456789abcdef';
const body = '{"event":"message.received","id":"msg_1","email":"a@tempmail.local","sender":"s@example.com","subject":"Hi ✓","otp":"482910","confirmation_link":null,"received_at":"2026-03-07T13:05:22Z"}';
const now = Math.floor(Date.now() / 1000);
const header = (t: number, b = body, s = secret) => `t=${t},v1=${createHmac('sha256', s).update(`${t}.${b}`).digest('hex')}`;

describe('verifyWebhookSignature', () => {
  it('accepts the server-style signature for string and byte bodies', async () => {
    assert.equal(await verifyWebhookSignature(secret, header(now), body), true);
    assert.equal(await verifyWebhookSignature(secret, header(now), new TextEncoder().encode(body)), true);
    assert.equal(await verifyWebhookSignature(secret, header(now), Buffer.from(body)), true);
  });

  it('refuses a wrong secret, an altered body, a stale or future timestamp', async () => {
    assert.equal(await verifyWebhookSignature('whsec_other', header(now), body), false);
    assert.equal(await verifyWebhookSignature(secret, header(now), body.replace('482910', '000000')), false);
    const t = Math.floor(Date.now() / 1000);
    assert.equal(await verifyWebhookSignature(secret, header(t - 301), body, 300, t), false);
    assert.equal(await verifyWebhookSignature(secret, header(t + 301), body, 300, t), false);
    assert.equal(await verifyWebhookSignature(secret, header(t - 299), body, 300, t), true);
    assert.equal(await verifyWebhookSignature(secret, header(t - 1000), body, 2000, t), true);
    assert.equal(await verifyWebhookSignature(secret, header(t - 299), body), true, 'defaults to the clock');
    assert.equal(await verifyWebhookSignature(secret, header(now - 100000), body, 0), true, 'tolerance 0 skips the time check');
  });

  it('refuses malformed headers without throwing', async () => {
    for (const h of [undefined, null, '', 'garbage', `t=${now}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${now},v1=xyz`, `t=${now},v1=${'a'.repeat(63)}`]) {
      assert.equal(await verifyWebhookSignature(secret, h as string, body), false, String(h));
    }
  });

  it('accepts any of several v1 values (secret rotation) and upper-case hex', async () => {
    const good = header(now).split('v1=')[1];
    assert.equal(await verifyWebhookSignature(secret, `t=${now},v1=${'0'.repeat(64)},v1=${good}`, body), true);
    assert.equal(await verifyWebhookSignature(secret, `t=${now},v1=${good.toUpperCase()}`, body), true);
  });

  it('signWebhookPayload produces what the server sends; parseWebhookEvent verifies and parses', async () => {
    assert.equal(await signWebhookPayload(secret, body, now), header(now));
    const event = await parseWebhookEvent(secret, header(now), body);
    assert.equal(event.otp, '482910');
    await assert.rejects(parseWebhookEvent(secret, header(now - 1000), body), (e: unknown) => e instanceof TempMailError && e.code === 'invalid_signature');
  });
});
