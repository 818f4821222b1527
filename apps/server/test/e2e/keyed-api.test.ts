/** The keyed API v1: keys from the CLI, key= and Bearer, isolation between keys, rate-limit headers. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { CLI, type ServiceHandle, startService } from '../helpers/service.js';

const run = promisify(execFile);

describe('keyed API v1', () => {
  let svc: ServiceHandle;
  let keyA: string;
  let keyB: string;
  before(async () => {
    svc = await startService();
    keyA = await createKey(svc, 'free');
    keyB = await createKey(svc, 'premium');
  });
  after(async () => { await svc.stop(); });

  it('keys create --json prints only {"key","plan"} on stdout; keys are URL-safe with >= 128 bits', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'create', '--plan', 'premium', '--json'], { env: svc.env });
    const parsed = JSON.parse(stdout);
    assert.deepEqual(Object.keys(parsed).sort(), ['key', 'plan']);
    assert.equal(parsed.plan, 'premium');
    assert.match(parsed.key, /^[A-Za-z0-9_-]{22,}$/);
  });

  it('generates, lists and reads with key= and with Authorization: Bearer', async () => {
    const gen = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA })}`);
    assert.equal(gen.status, 200);
    assert.deepEqual(Object.keys(gen.body).sort(), ['email', 'expires_at']);
    const email = gen.body.email;
    await sendMail(svc.smtpPort, { from: 'Notion <notify@mail.notion.so>', to: email, subject: 'Your login code', text: 'Your temporary login code is 540218' });
    const list = await eventually(async () => (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key: keyA, email })}`)).body?.[0] && (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key: keyA, email })}`)).body);
    assert.deepEqual(Object.keys(list[0]).sort(), ['date_received', 'id', 'sender', 'sender_name', 'subject']);
    assert.equal(list[0].sender_name, 'Notion');
    const bearer = { headers: { authorization: `Bearer ${keyA}` } };
    const msg = await http(`${svc.httpUrl}/v1/read.php?${qs({ email, id: list[0].id })}`, bearer);
    assert.equal(msg.status, 200);
    assert.equal(msg.body.otp, '540218');
    assert.equal(msg.body.sender, 'notify@mail.notion.so');
    for (const field of ['id', 'sender', 'subject', 'date_received', 'email', 'body', 'html', 'otp', 'confirmation_link', 'attachments']) {
      assert.ok(field in msg.body, `read.php has ${field}`);
    }
  });

  it('another key gets 404 for the mailbox and its messages', async () => {
    const email = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA })}`)).body.email;
    await sendMail(svc.smtpPort, { to: email, subject: 'private', text: 'x' });
    const id = (await eventually(async () => (await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key: keyA, email })}`)).body?.[0])).id;
    assert.equal((await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key: keyB, email })}`)).status, 404);
    assert.equal((await http(`${svc.httpUrl}/v1/read.php?${qs({ key: keyB, email, id })}`)).status, 404);
    assert.equal((await http(`${svc.httpUrl}/v1/raw.php?${qs({ key: keyB, email, id })}`)).status, 404);
  });

  it('answers 401 for a missing or unknown key and after revocation', async () => {
    const missing = await http(`${svc.httpUrl}/v1/generate_email.php`);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.code, 'unauthorized');
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?key=tm_${'x'.repeat(43)}`)).status, 401);
    const key = await createKey(svc, 'free');
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).status, 200);
    await run(process.execPath, [CLI, 'keys', 'revoke', key], { env: svc.env });
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).status, 401);
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'list', '--json'], { env: svc.env });
    const listed = JSON.parse(stdout);
    assert.ok(listed.some((k: any) => k.revoked === true));
    assert.ok(!stdout.includes(key), 'keys list never shows a whole key');
  });

  it('announces rate limits on every /v1 answer, counting down', async () => {
    const a = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyB })}`);
    const b = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyB })}`);
    assert.equal(a.headers.get('x-ratelimit-limit'), '600');
    assert.equal(Number(b.headers.get('x-ratelimit-remaining')), Number(a.headers.get('x-ratelimit-remaining')) - 1);
    assert.ok(Number(a.headers.get('x-ratelimit-reset')) > 0);
  });

  it('rejects a ttl outside the bounds with 400', async () => {
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA, ttl: 5 })}`)).status, 400);
    assert.equal((await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA, ttl: 'abc' })}`)).status, 400);
    const ok = await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA, ttl: 600 })}`);
    assert.equal(ok.status, 200);
    const left = Date.parse(ok.body.expires_at) - Date.now();
    assert.ok(left > 590_000 && left <= 601_000);
  });

  it('pushes events on /v1/ws for the key that owns the mailbox only', async () => {
    const email = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key: keyA })}`)).body.email;
    const base = svc.httpUrl.replace('http', 'ws');
    const denied = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${base}/v1/ws?${qs({ key: keyB, email })}`);
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    assert.equal(denied, 404);
    const ws = new WebSocket(`${base}/v1/ws?${qs({ email })}`, { headers: { authorization: `Bearer ${keyA}` } });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const frame = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    await sendMail(svc.smtpPort, { to: email, subject: 'ws v1', text: 'hello' });
    const event = await frame;
    ws.close();
    assert.equal(event.event, 'message.received');
    assert.equal(event.email, email);
    assert.equal(event.subject, 'ws v1');
  });
});
