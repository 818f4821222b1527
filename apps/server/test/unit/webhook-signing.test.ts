import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  newWebhookSecret, parseSignatureHeader, signatureHeader, verifySignature,
} from '../../src/webhooks/signing.js';
import { retryDelayMs } from '../../src/webhooks/dispatcher.js';

const body = '{"event":"message.received","id":"msg_a1b2c3","email":"k9x2m7@tempmail.io","sender":"noreply@github.com","subject":"Verify","otp":"482910","confirmation_link":null,"received_at":"2026-03-07T13:05:22Z"}';

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "t.body" keyed with the secret, as hex', () => {
    const secret = 'whsec_test';
    const t = 1_772_888_722;
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(signatureHeader(secret, body, t), `t=${t},v1=${expected}`);
  });

  it('matches a fixed vector (computed with openssl)', () => {
    // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_abc'
    assert.equal(signatureHeader('whsec_abc', '{"a":1}', 1_700_000_000),
      't=1700000000,v1=3b843bacfb18cc5554542fdcc84d815b399c52758e508a6fcecf0a2af4efea2b');
  });

  it('verifies what it signs, within the tolerance', () => {
    const secret = newWebhookSecret();
    const t = 1_800_000_000;
    const header = signatureHeader(secret, body, t);
    assert.equal(verifySignature(header, body, secret, { nowSeconds: t + 10 }), true);
    assert.equal(verifySignature(header, Buffer.from(body), secret, { nowSeconds: t }), true);
    assert.equal(verifySignature(header, body, secret, { nowSeconds: t + 301 }), false, 'too old');
    assert.equal(verifySignature(header, body, secret, { nowSeconds: t + 301, toleranceSeconds: 600 }), true);
  });

  it('refuses a tampered body, another secret, another timestamp, junk', () => {
    const secret = newWebhookSecret();
    const t = 1_800_000_000;
    const header = signatureHeader(secret, body, t);
    const now = { nowSeconds: t };
    assert.equal(verifySignature(header, body.replace('482910', '000000'), secret, now), false);
    assert.equal(verifySignature(header, body, newWebhookSecret(), now), false);
    assert.equal(verifySignature(header.replace(`t=${t}`, `t=${t + 1}`), body, secret, { nowSeconds: t + 1 }), false);
    for (const junk of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`, `t=${t},v1=zz`]) {
      assert.equal(verifySignature(junk, body, secret, now), false, String(junk));
    }
  });

  it('accepts any of several v1 values (rotation) and parses the header', () => {
    const secret = 'whsec_x';
    const good = signatureHeader(secret, body, 5).split('v1=')[1];
    assert.equal(verifySignature(`t=5,v1=${'0'.repeat(64)},v1=${good}`, body, secret, { nowSeconds: 5 }), true);
    assert.deepEqual(parseSignatureHeader(`t=5,v1=${good}`), { t: 5, v1: [good] });
  });

  it('makes distinct URL-safe secrets with 256 bits', () => {
    const a = newWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newWebhookSecret());
  });
});

describe('retry backoff', () => {
  it('first retry within base/2..base, doubling, capped, jittered', () => {
    assert.equal(retryDelayMs(1, 10_000, 1_800_000, () => 0), 5000);
    assert.equal(retryDelayMs(1, 10_000, 1_800_000, () => 1), 10_000);
    assert.equal(retryDelayMs(2, 10_000, 1_800_000, () => 1), 20_000);
    assert.equal(retryDelayMs(5, 10_000, 1_800_000, () => 1), 160_000);
    assert.equal(retryDelayMs(50, 10_000, 1_800_000, () => 1), 1_800_000);
    assert.equal(retryDelayMs(50, 10_000, 1_800_000, () => 0), 900_000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(1, 10_000, 1_800_000);
      assert.ok(d >= 5000 && d <= 10_000 && d < 30_000);
    }
  });
});
