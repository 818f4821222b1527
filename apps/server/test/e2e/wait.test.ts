/**
 * wait.php (/v1 with a key, /api with a token): held until a matching message exists, answered
 * as read.php; match/from/subject/since filters; 408 in the contract's error shape past the
 * timeout, even beyond the HTTP idle limit; 404 when the mailbox goes; 200 parallel waits on a
 * free key with no 429 and no cost to the key's request budget. And what held requests hold
 * (the idle cost is a benchmark row, bench/lib/scale.ts): one bus subscription per mailbox
 * however many wait on it, let go when its last wait is answered or its client goes away.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { metricsReach } from '../helpers/prometheus-text.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

describe('wait.php', () => {
  let svc: ServiceHandle;
  let key: string;
  let otherKey: string;
  before(async () => {
    svc = await startService();
    [key, otherKey] = await Promise.all([createKey(svc, 'free'), createKey(svc, 'free')]);
  });
  after(async () => { await svc.stop(); });

  const newMailbox = async (k = key): Promise<string> => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: k })}`)).body.email;
  const wait = (params: Record<string, string | number | undefined>) => http(`${svc.httpUrl}/v1/wait.php?${qs({ key, ...params })}`);
  const inboxIds = async (email: string, n: number): Promise<string[]> =>
    eventually(async () => {
      const r = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`);
      return r.body.length >= n ? (r.body as Array<{ id: string }>).map((m) => m.id) : null;
    });

  it('holds until a message arrives and answers the whole message, as read.php does', async () => {
    const email = await newMailbox();
    const pending = wait({ email, timeout: 60 });
    await sendMail(svc.smtpPort, { from: 'Acme <noreply@acme.test>', to: email, subject: 'Your code', text: 'Your verification code is 482910.' });
    const res = await pending;
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.otp, '482910');
    assert.equal(res.body.email, email);
    const read = await http(`${svc.httpUrl}/v1/read.php?${qs({ key, email, id: res.body.id })}`);
    // read.php alone adds the message's stage timings (docs/observability.md)
    const { timings, ...message } = read.body as Record<string, unknown>;
    assert.equal(typeof timings, 'object');
    assert.deepEqual(res.body, message);
  });

  it('answers at once with a matching message already there', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { to: email, subject: 'Already here', text: 'hello' });
    await inboxIds(email, 1);
    const res = await wait({ email, timeout: 60 });
    assert.equal(res.status, 200);
    assert.equal(res.body.subject, 'Already here');
  });

  it('match=otp and match=link skip messages without a code or a link; from and subject filter', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { from: 'news@shop.test', to: email, subject: 'Weekly news', text: 'Nothing to type here.' });
    await inboxIds(email, 1);
    const otp = wait({ email, match: 'otp', timeout: 60 });
    const link = wait({ email, match: 'link', timeout: 60 });
    const fromGit = wait({ email, from: 'GITHUB.com', timeout: 60 });
    const subj = wait({ email, subject: 'CONFIRM your', timeout: 60 });
    await sendMail(svc.smtpPort, { from: 'noreply@github.com', to: email, subject: 'Your sign-in code', text: 'Your sign-in code is 730214.' });
    await sendMail(svc.smtpPort, {
      from: 'accounts@example.org', to: email, subject: 'Confirm your account',
      html: '<p>Welcome! Please confirm your email address.</p><a href="https://example.org/confirm?t=abc123">Confirm email</a>',
    });
    assert.equal((await otp).body.otp, '730214');
    assert.equal((await fromGit).body.sender, 'noreply@github.com');
    assert.equal((await link).body.confirmation_link, 'https://example.org/confirm?t=abc123');
    assert.equal((await subj).body.subject, 'Confirm your account');
  });

  it('since=ID skips that message and older ones', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { to: email, subject: 'first', text: 'code 111222' });
    const [firstId] = await inboxIds(email, 1);
    const pending = wait({ email, since: firstId, timeout: 60 });
    await sendMail(svc.smtpPort, { to: email, subject: 'second', text: 'code 333444' });
    assert.equal((await pending).body.subject, 'second');
  });

  it('since=ISO skips messages received before it (date_received, to the second)', async () => {
    const email = await newMailbox();
    await sendMail(svc.smtpPort, { to: email, subject: 'early', text: 'hello' });
    await inboxIds(email, 1);
    const early = (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`)).body[0];
    const since = new Date(Date.parse(early.date_received) + 1000).toISOString();
    const pending = wait({ email, since, timeout: 60 });
    await eventually(async () => Date.now() >= Date.parse(since), 5000);
    await sendMail(svc.smtpPort, { to: email, subject: 'late', text: 'hello again' });
    assert.equal((await pending).body.subject, 'late');
  });

  it('answers 408 in the error shape at the timeout', async () => {
    const email = await newMailbox();
    const res = await wait({ email, timeout: 1.5 });
    assert.equal(res.status, 408);
    assert.equal(res.body.error.code, 'timeout');
    assert.equal(typeof res.body.error.message, 'string');
  });

  it('refuses bad parameters with 400 and another key\'s mailbox with 404', async () => {
    const email = await newMailbox();
    for (const bad of [{ match: 'code' }, { timeout: '61' }, { timeout: '0' }, { timeout: 'soon' }, { since: 'yesterday' }, { since: 'msg_unknown' }]) {
      const res = await wait({ email, ...bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, 'bad_request');
    }
    const res = await http(`${svc.httpUrl}/v1/wait.php?${qs({ key: otherKey, email, timeout: 1 })}`);
    assert.equal(res.status, 404);
  });

  it('answers 404 when the mailbox is deleted while waiting', async () => {
    const email = await newMailbox();
    const pending = wait({ email, timeout: 60 });
    const del = await http(`${svc.httpUrl}/v1/delete.php?${qs({ key, email })}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    const res = await pending;
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('works under /api with the mailbox token', async () => {
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    const pending = http(`${svc.httpUrl}/api/wait.php?${qs({ email: box.email, token: box.token, match: 'otp', timeout: 60 })}`);
    await sendMail(svc.smtpPort, { to: box.email, subject: 'Code', text: 'Your code is 902817.' });
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(res.body.otp, '902817');
    const wrong = await http(`${svc.httpUrl}/api/wait.php?${qs({ email: box.email, token: 'nope', timeout: 1 })}`);
    assert.equal(wrong.status, 404);
  });

  it('200 parallel waits on a free key all succeed, with no 429 and no cost to its request budget', async () => {
    const email = await newMailbox();
    const before = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`);
    const remainingBefore = Number(before.headers.get('x-ratelimit-remaining'));
    const waits = Array.from({ length: 200 }, () => wait({ email, match: 'otp', timeout: 60 }));
    await sendMail(svc.smtpPort, { to: email, subject: 'Parallel', text: 'Your code is 615243.' });
    const answers = await Promise.all(waits);
    const statuses = answers.map((a) => a.status);
    assert.deepEqual([...new Set(statuses)], [200], `statuses: ${statuses.join(',')}`);
    assert.ok(answers.every((a) => a.body.otp === '615243'));
    const afterwards = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`);
    assert.equal(Number(afterwards.headers.get('x-ratelimit-remaining')), remainingBefore - 1, 'only the inbox call itself counted');
  });
});

describe('wait.php past the HTTP idle limit', () => {
  let svc: ServiceHandle;
  // A short idle limit (TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS): a held wait must outlive it.
  before(async () => { svc = await startService({ TEMPMAIL_HTTP_REQUEST_TIMEOUT_MS: '1000' }); });
  after(async () => { await svc.stop(); });

  it('holds a silent connection beyond the idle limit and answers 408 at its own timeout', async () => {
    const box = (await http(`${svc.httpUrl}/api/generate_email.php`)).body;
    const res = await http(`${svc.httpUrl}/api/wait.php?${qs({ email: box.email, token: box.token, timeout: 3 })}`);
    assert.equal(res.status, 408);
    assert.equal(res.body.error.code, 'timeout');
  });
});

describe('wait.php: what held requests hold', () => {
  let svc: ServiceHandle;
  let key: string;
  before(async () => {
    svc = await startService();
    key = await createKey(svc, 'premium');
  });
  after(async () => { await svc.stop(); });

  const settlesAt = (pending: number, subscriptions: number) =>
    metricsReach(svc.httpUrl, { tempmail_waits_pending: pending, tempmail_wait_subscriptions: subscriptions });
  const waitUrl = (params: Record<string, string | number>) => `${svc.httpUrl}/v1/wait.php?${qs({ key, ...params })}`;

  it('waits on one mailbox share one bus subscription; each answer, or its client going away, lets go of its share', async () => {
    const [a, b] = await Promise.all([1, 2].map(async () => (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string));
    const onA = Array.from({ length: 30 }, () => http(waitUrl({ email: a!, timeout: 60 })));
    const onB = Array.from({ length: 5 }, () => http(waitUrl({ email: b!, match: 'otp', timeout: 60 })));
    // One more on B whose client goes away while it is held.
    const leaving = new AbortController();
    const left = fetch(waitUrl({ email: b!, match: 'otp', timeout: 60 }), { signal: leaving.signal }).then(() => 'answered', () => 'aborted');
    await settlesAt(36, 2);
    leaving.abort();
    assert.equal(await left, 'aborted');
    await settlesAt(35, 2);
    await sendMail(svc.smtpPort, { to: a!, subject: 'for a', text: 'hello' });
    const answersA = await Promise.all(onA);
    assert.deepEqual([...new Set(answersA.map((r) => `${r.status} ${r.body.subject}`))], ['200 for a']);
    await settlesAt(5, 1);
    // A message that does not match keeps them held on the same subscription.
    await sendMail(svc.smtpPort, { to: b!, subject: 'no code', text: 'hello' });
    await sendMail(svc.smtpPort, { to: b!, subject: 'code', text: 'Your code is 551903.' });
    const answersB = await Promise.all(onB);
    assert.deepEqual([...new Set(answersB.map((r) => `${r.status} ${r.body.otp}`))], ['200 551903']);
    await settlesAt(0, 0);
  });
});
