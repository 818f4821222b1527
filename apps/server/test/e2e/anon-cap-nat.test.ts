/**
 * The anonymous live-mailbox cap counted so that one office behind a NAT is not locked out by
 * one person (issue 18): each browser (the id the page keeps, sent as X-TempMail-Client) has its
 * own allowance (TEMPMAIL_ANON_MAILBOXES_PER_BROWSER), under a ceiling for the whole address
 * (TEMPMAIL_ANON_MAILBOXES_PER_IP). Real HTTP from distinct loopback source addresses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { call } from './limits-helpers.js';

describe('anonymous cap per browser under a per-address ceiling', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({ TEMPMAIL_ANON_RATE: '10000', TEMPMAIL_ANON_MAILBOXES_PER_IP: '5', TEMPMAIL_ANON_MAILBOXES_PER_BROWSER: '2' });
  });
  after(async () => { await svc.stop(); });

  const browserId = () => randomBytes(16).toString('base64url');
  const generate = (localAddress: string, client?: string) =>
    call(`${svc.httpUrl}/api/generate_email.php`, { localAddress, headers: client ? { 'x-tempmail-client': client } : {} });

  it('one person using up their allowance leaves room for colleagues behind the same address, up to the ceiling', async () => {
    const office = '127.0.3.1';
    const alice = browserId();
    const first = await Promise.all(Array.from({ length: 6 }, () => generate(office, alice)));
    assert.equal(first.filter((a) => a.status === 200).length, 2, 'exactly the per-browser allowance, even all at once');
    for (const refused of first.filter((a) => a.status === 429)) {
      assert.match(refused.body.error.message, /At most 2 live mailboxes per browser/);
      const wait = Number(refused.headers['retry-after']);
      assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    }
    const bob = browserId();
    assert.equal((await generate(office, bob)).status, 200, 'a colleague is not locked out');
    assert.equal((await generate(office, bob)).status, 200);
    const carol = browserId();
    assert.equal((await generate(office, carol)).status, 200, 'the fifth address of the office');
    const ceiling = await generate(office, carol);
    assert.equal(ceiling.status, 429, 'the ceiling holds for every browser of the address, ids or not');
    assert.match(ceiling.body.error.message, /At most 5 live mailboxes per address/);
    assert.equal((await generate(office, browserId())).status, 429, 'a new id does not pass the ceiling');
    assert.equal((await generate('127.0.3.2', browserId())).status, 200, 'another address has its own');
  });

  it('callers without an id (scripts) share one browser allowance per address; a malformed id counts as none', async () => {
    const host = '127.0.3.3';
    assert.equal((await generate(host)).status, 200);
    assert.equal((await generate(host, 'short')).status, 200);
    const third = await generate(host, 'not a valid id!');
    assert.equal(third.status, 429);
    assert.match(third.body.error.message, /per browser/);
    assert.equal((await generate(host, browserId())).status, 200, 'a browser with an id still has its own');
  });

  it('deleting frees the browser\'s place at once', async () => {
    const host = '127.0.3.4';
    const id = browserId();
    const a = await generate(host, id);
    await generate(host, id);
    assert.equal((await generate(host, id)).status, 429);
    const del = await call(`${svc.httpUrl}/api/delete.php`, {
      method: 'POST', localAddress: host, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: a.body.email, token: a.body.token }),
    });
    assert.equal(del.status, 200);
    assert.equal((await generate(host, id)).status, 200);
  });
});
