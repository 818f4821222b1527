/**
 * extend.php in both APIs, on SQLite and on PostgreSQL: time is added up to the maximum
 * lifetime from now, the mail sealed before stays readable (its data key moved to a later
 * epoch), a live WebSocket is not closed at the old expiry, and an expired mailbox is never
 * revived.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { serviceOnBackend } from '../helpers/backend-service.js';
import { createKey } from '../helpers/keys.js';
import type { ServiceHandle } from '../helpers/service.js';

const MAX_TTL = 4 * 3600;
const BASE_ENV = { TEMPMAIL_MIN_TTL_SECONDS: '1', TEMPMAIL_MAX_TTL_SECONDS: String(MAX_TTL), TEMPMAIL_TTL_SECONDS: '3600' };

interface Box { email: string; token: string; expires_at: string }

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`extend.php (${backend})`, () => {
    const { service } = serviceOnBackend(backend, BASE_ENV, 'tm_e2e_extend');
    const generate = async (s: ServiceHandle, ttl: number): Promise<Box> => {
      const res = await http(`${s.httpUrl}/api/generate_email.php?${qs({ ttl })}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as Box;
    };
    const extend = (s: ServiceHandle, box: Box, ttl?: number) => http(`${s.httpUrl}/api/extend.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: box.email, token: box.token, ttl }),
    });

    it('adds time up to the maximum lifetime, and the mail received before stays readable', async (t) => {
      const s = service(t);
      if (!s) return;
      const box = await generate(s, 600);
      await sendMail(s.smtpPort, { from: 'Shop <shop@example.com>', to: box.email, subject: 'Before extend', text: 'Code 771234' });
      const [row] = await eventually(async () => {
        const r = await http(`${s.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
        return r.status === 200 && r.body.length ? r.body : null;
      }, 30_000);

      // An hour more crosses into another key epoch (epochs are an hour long).
      const first = await extend(s, box, 3600);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.email, box.email);
      const added = Date.parse(first.body.expires_at) - Date.parse(box.expires_at);
      assert.ok(Math.abs(added - 3600_000) <= 1000, `one hour added, got ${added} ms`);

      const read = await http(`${s.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: row.id })}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.subject, 'Before extend');

      // Far more than allowed: capped at now + the maximum lifetime, not refused.
      const before = Date.now();
      const capped = await extend(s, box, MAX_TTL);
      assert.equal(capped.status, 200);
      const left = Date.parse(capped.body.expires_at) - before;
      assert.ok(left <= MAX_TTL * 1000 + 2000 && left >= MAX_TTL * 1000 - 5000, `capped at the maximum lifetime, got ${left} ms`);

      // The default amount (no ttl=) at the cap changes nothing; a ttl out of bounds is a 400.
      const again = await http(`${s.httpUrl}/api/extend.php?${qs({ email: box.email, token: box.token })}`);
      assert.equal(again.status, 200);
      assert.ok(Date.parse(again.body.expires_at) <= before + MAX_TTL * 1000 + 5000);
      const bad = await extend(s, box, MAX_TTL + 1);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'bad_request');
      const wrong = await extend(s, { ...box, token: 'not-the-token' }, 60);
      assert.equal(wrong.status, 404);
    });

    it('keeps a live WebSocket open past the old expiry and pushes mail to it', async (t) => {
      const s = service(t);
      if (!s) return;
      const box = await generate(s, 3);
      const ws = new WebSocket(`${s.httpUrl.replace('http', 'ws')}/ws?${qs({ email: box.email, token: box.token })}`);
      const frames: any[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      const res = await extend(s, box, 600);
      assert.equal(res.status, 200);
      // Wait past the old expiry (and a sweep), then mail arrives over the same socket.
      const oldExpiry = Date.parse(box.expires_at);
      await eventually(async () => Date.now() > oldExpiry + 1500, 30_000, 100);
      await sendMail(s.smtpPort, { to: box.email, subject: 'After the old expiry', text: 'still here' });
      const event = await eventually(async () => frames.find((f) => f.event === 'message.received'), 30_000);
      assert.equal(event.subject, 'After the old expiry');
      assert.equal(frames.some((f) => f.event === 'mailbox.expired'), false);
      assert.equal(ws.readyState, WebSocket.OPEN);
      ws.close();

      // Not extended: the socket is told at the expiry, after the lookup finds it gone.
      const short = await generate(s, 6);
      const closing = new WebSocket(`${s.httpUrl.replace('http', 'ws')}/ws?${qs({ email: short.email, token: short.token })}`);
      const told = new Promise<any>((resolve) => closing.on('message', (d) => resolve(JSON.parse(d.toString()))));
      const closed = new Promise<number>((resolve) => closing.once('close', (code) => resolve(code)));
      assert.deepEqual(await told, { event: 'mailbox.expired', email: short.email });
      assert.equal(await closed, 4000);
    });

    it('never revives an expired or deleted mailbox', async (t) => {
      const s = service(t);
      if (!s) return;
      const box = await generate(s, 1);
      await eventually(async () => (await http(`${s.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`)).status === 404, 30_000);
      assert.equal((await extend(s, box, 600)).status, 404);
      const other = await generate(s, 600);
      assert.equal((await http(`${s.httpUrl}/api/delete.php`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(other) })).status, 200);
      assert.equal((await extend(s, other, 600)).status, 404);
    });

    it('extends keyed mailboxes through /v1/extend.php for their own key only', async (t) => {
      const s = service(t);
      if (!s) return;
      const key = await createKey(s, 'free');
      const otherKey = await createKey(s, 'free');
      const made = await http(`${s.httpUrl}/v1/generate_email.php?${qs({ key, ttl: 60 })}`);
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const res = await http(`${s.httpUrl}/v1/extend.php?${qs({ key, email: made.body.email, ttl: 120 })}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const added = Date.parse(res.body.expires_at) - Date.parse(made.body.expires_at);
      assert.ok(Math.abs(added - 120_000) <= 1000, `two minutes added, got ${added} ms`);
      assert.ok(res.headers.get('x-ratelimit-limit'));
      const foreign = await http(`${s.httpUrl}/v1/extend.php?${qs({ key: otherKey, email: made.body.email, ttl: 120 })}`);
      assert.equal(foreign.status, 404);
    });
  });
}
