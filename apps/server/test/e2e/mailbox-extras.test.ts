/**
 * More of the mailbox: /v1/mailboxes.php (the key's own, paged), deleting one message (both
 * APIs), inbox filters (from, subject, since, match), `links` in read.php and `sender_name`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

describe('mailboxes, message delete, inbox filters, links, sender_name', () => {
  let svc: ServiceHandle;
  let key: string;
  let otherKey: string;
  before(async () => {
    svc = await startService();
    [key, otherKey] = await Promise.all([createKey(svc, 'free'), createKey(svc, 'free')]);
  });
  after(async () => { await svc.stop(); });

  const v1 = (path: string, params: Record<string, string | number | undefined>, init?: RequestInit) =>
    http(`${svc.httpUrl}/v1/${path}?${qs({ key, ...params })}`, init);
  const newMailbox = async (k = key): Promise<string> => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: k })}`)).body.email;
  const inbox = async (email: string, n: number) =>
    eventually(async () => {
      const r = await v1('inbox.php', { email });
      return r.body.length >= n ? (r.body as Array<{ id: string; subject: string; sender: string; sender_name: string | null; date_received: string }>) : null;
    });

  it('mailboxes.php lists the key\'s live mailboxes, newest first, paged with limit and before', async () => {
    const k = await createKey(svc, 'free');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push(await newMailbox(k));
    await newMailbox(otherKey);
    const all = await http(`${svc.httpUrl}/v1/mailboxes.php?${qs({ key: k })}`);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.map((m: { email: string }) => m.email).sort(), made.slice().sort());
    assert.deepEqual(Object.keys(all.body[0]).sort(), ['created_at', 'email', 'expires_at']);
    const page1 = (await http(`${svc.httpUrl}/v1/mailboxes.php?${qs({ key: k, limit: 2 })}`)).body;
    const page2 = (await http(`${svc.httpUrl}/v1/mailboxes.php?${qs({ key: k, limit: 2, before: page1[1].email })}`)).body;
    assert.deepEqual([...page1, ...page2].map((m: { email: string }) => m.email), all.body.map((m: { email: string }) => m.email));
    // A deleted mailbox is not listed.
    await http(`${svc.httpUrl}/v1/delete.php?${qs({ key: k, email: made[0] })}`, { method: 'DELETE' });
    const left = (await http(`${svc.httpUrl}/v1/mailboxes.php?${qs({ key: k })}`)).body.map((m: { email: string }) => m.email);
    assert.deepEqual(left.sort(), made.slice(1).sort());
    assert.equal((await http(`${svc.httpUrl}/v1/mailboxes.php`)).status, 401);
  });

  it('delete_message.php deletes one message (/v1 and /api); the others stay; a second delete is 404', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { to: email, subject: 'keep', text: 'a' });
    await sendMail(svc.smtpPort, { to: email, subject: 'drop', text: 'b' });
    const list = await inbox(email, 2);
    const drop = list.find((m) => m.subject === 'drop')!;
    assert.equal((await v1('read.php', { email, id: drop.id })).status, 200); // cached view must not outlive the delete
    assert.equal((await http(`${svc.httpUrl}/v1/delete_message.php?${qs({ key: otherKey, email, id: drop.id })}`, { method: 'DELETE' })).status, 404);
    const del = await v1('delete_message.php', { email, id: drop.id }, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { deleted: true, email, id: drop.id });
    assert.deepEqual((await v1('inbox.php', { email })).body.map((m: { subject: string }) => m.subject), ['keep']);
    assert.equal((await v1('read.php', { email, id: drop.id })).status, 404);
    assert.equal((await v1('raw.php', { email, id: drop.id })).status, 404);
    const again = await v1('delete_message.php', { email, id: drop.id }, { method: 'POST' });
    assert.equal(again.status, 404);
    assert.equal(again.body.error.code, 'not_found');

    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    await sendMail(svc.smtpPort, { to: box.email, subject: 'anon', text: 'x' });
    const id = (await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).body[0])).id;
    const form = new URLSearchParams({ email: box.email, token: box.token, id });
    const anonDel = await http(`${svc.httpUrl}/api/delete_message.php`, { method: 'POST', body: form });
    assert.equal(anonDel.status, 200);
    assert.deepEqual((await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).body, []);
  });

  it('inbox.php filters by from, subject, since and match (/v1 and /api)', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { from: 'GitHub <noreply@github.com>', to: email, subject: 'Your sign-in code', text: 'Code: 730214' });
    await sendMail(svc.smtpPort, { from: 'Shop <news@shop.test>', to: email, subject: 'Weekly deals', text: 'Nothing.' });
    await sendMail(svc.smtpPort, { from: 'noreply@github.com', to: email, subject: 'Security alert', text: 'A new login.' });
    const all = await inbox(email, 3);
    const subjects = async (params: Record<string, string>) => (await v1('inbox.php', { email, ...params })).body.map((m: { subject: string }) => m.subject);
    assert.deepEqual(await subjects({ from: 'GITHUB' }), ['Security alert', 'Your sign-in code']);
    assert.deepEqual(await subjects({ from: 'shop' }), ['Weekly deals']);
    assert.deepEqual(await subjects({ subject: 'CODE' }), ['Your sign-in code']);
    assert.deepEqual(await subjects({ match: 'otp' }), ['Your sign-in code']);
    const oldest = all[all.length - 1]!;
    assert.deepEqual(await subjects({ since: oldest.id }), all.slice(0, -1).map((m) => m.subject));
    assert.deepEqual(await subjects({ since: '2000-01-01T00:00:00Z', limit: '1' }), [all[0]!.subject]);
    assert.deepEqual(await subjects({ since: '2999-01-01T00:00:00Z' }), []);
    assert.equal((await v1('inbox.php', { email, since: 'last week' })).status, 400);
    // /api: the same filters.
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    await sendMail(svc.smtpPort, { from: 'a@one.test', to: box.email, subject: 'one', text: 'x' });
    await sendMail(svc.smtpPort, { from: 'b@two.test', to: box.email, subject: 'two', text: 'y' });
    await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).body.length === 2);
    const anon = await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token, from: 'two.test' })}`);
    assert.deepEqual(anon.body.map((m: { subject: string }) => m.subject), ['two']);
  });

  it('read.php has links (every clickable link, in order, {url,text}) and sender_name', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, {
      from: '"Acme Accounts" <accounts@acme.test>', to: email, subject: 'Welcome',
      html: '<p>Hi! <a href="https://acme.test/confirm?t=1&amp;u=2">Confirm <b>email</b></a></p>'
        + '<p><a href="https://acme.test/help"><img src="https://acme.test/i.png" alt="Help centre"></a> '
        + '<a href="#top">top</a> <a href="mailto:help@acme.test">write to us</a></p>',
    });
    await sendMail(svc.smtpPort, { from: 'plain@acme.test', to: email, subject: 'Plain', text: 'Open https://acme.test/a then https://acme.test/b.' });
    const list = await inbox(email, 2);
    const html = (await v1('read.php', { email, id: list.find((m) => m.subject === 'Welcome')!.id })).body;
    assert.equal(html.sender, 'accounts@acme.test');
    assert.equal(html.sender_name, 'Acme Accounts');
    assert.deepEqual(html.links, [
      { url: 'https://acme.test/confirm?t=1&u=2', text: 'Confirm email' },
      { url: 'https://acme.test/help', text: 'Help centre' },
      { url: 'mailto:help@acme.test', text: 'write to us' },
    ]);
    const plain = (await v1('read.php', { email, id: list.find((m) => m.subject === 'Plain')!.id })).body;
    assert.equal(plain.sender_name, null);
    assert.deepEqual(plain.links, [
      { url: 'https://acme.test/a', text: 'https://acme.test/a' },
      { url: 'https://acme.test/b', text: 'https://acme.test/b' },
    ]);
    const summary = list.find((m) => m.subject === 'Welcome')!;
    assert.equal(summary.sender_name, 'Acme Accounts');
  });
});
