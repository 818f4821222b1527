/** The anonymous web mailbox end to end: generate, SMTP in, inbox, read, WebSocket push, delete. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import path from 'node:path';
import Database from 'better-sqlite3';
import PostalMime from 'postal-mime';
import { WebSocket } from 'ws';
import { eventually, http, qs, sendMail } from '../helpers/api.js';
import { type ServiceHandle, startService } from '../helpers/service.js';

describe('anonymous mailbox API', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService(); });
  after(async () => { await svc.stop(); });

  const generate = async (ttl?: number) => {
    const res = await http(`${svc.httpUrl}/api/generate_email.php?${qs({ ttl })}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { email: string; token: string; expires_at: string };
  };

  it('generates an address with a URL-safe token of at least 128 bits and an ISO expiry', async () => {
    const before = Date.now();
    const box = await generate();
    assert.match(box.email, /^[a-z0-9]+@tempmail\.local$/);
    assert.match(box.token, /^[A-Za-z0-9_-]{22,}$/);
    assert.match(box.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const ttl = Date.parse(box.expires_at) - before;
    assert.ok(ttl > 3590_000 && ttl < 3610_000, `default TTL is an hour, got ${ttl} ms`);
    const other = await generate();
    assert.notEqual(other.email, box.email);
    assert.notEqual(other.token, box.token);
  });

  it('receives mail over SMTP and reads it back with otp, link, html and attachments', async () => {
    const box = await generate();
    const reply = await sendMail(svc.smtpPort, {
      from: 'GitHub <noreply@github.com>', to: box.email, subject: 'Your verification code',
      text: 'Your verification code is 482910. It expires in 10 minutes.',
      html: '<p>Your verification code is <b>482910</b>.</p><p><a href="https://example.com/verify?t=abc&amp;u=1">Verify email</a></p>',
      attachments: [{ filename: 'report ü.txt', content: 'attachment body', contentType: 'text/plain' }],
    });
    assert.match(reply.response, /^250 /);
    const list = await eventually(async () => {
      const r = await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email, token: box.token })}`);
      return r.status === 200 && r.body.length ? r.body : null;
    });
    assert.equal(list.length, 1);
    assert.equal(list[0].sender, 'noreply@github.com');
    assert.equal(list[0].subject, 'Your verification code');
    assert.match(list[0].date_received, /Z$/);
    const msg = (await http(`${svc.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id: list[0].id })}`)).body;
    assert.equal(msg.id, list[0].id);
    assert.equal(msg.email, box.email);
    assert.equal(msg.otp, '482910');
    assert.match(msg.body, /482910/);
    assert.match(msg.html, /<b>482910<\/b>/);
    assert.deepEqual(msg.attachments, [{ filename: 'report ü.txt', content_type: 'text/plain', size: 15 }]);
    const att = await fetch(`${svc.httpUrl}/api/attachment.php?${qs({ email: box.email, token: box.token, id: msg.id, index: 0 })}`);
    assert.equal(att.status, 200);
    assert.equal(await att.text(), 'attachment body');
    assert.match(att.headers.get('content-disposition')!, /^attachment;/);
    const raw = await fetch(`${svc.httpUrl}/api/raw.php?${qs({ email: box.email, token: box.token, id: msg.id })}`);
    assert.equal(raw.headers.get('content-type'), 'message/rfc822');
    assert.match(await raw.text(), /Subject: Your verification code/);
  });

  it('serves attachments byte for byte, those stored as ranges of the raw source (a forwarded message, 8bit text, base64) and a quoted-printable copy', async () => {
    const box = await generate();
    const lines = (n: number, what: string) => Array.from({ length: n }, (_, i) => `${what} line ${i}: Grüße, naïve café`).join('\r\n');
    const binary = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256));
    // Built by hand: nodemailer sends every attachment it is given as base64.
    const raw = Buffer.from([
      'From: Sender <sender@example.com>', `To: ${box.email}`, 'Subject: three attachments', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '',
      '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'see attached',
      '--b1', 'Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="fwd.eml"', 'Content-Transfer-Encoding: 8bit', '',
      'From: Original <original@example.org>', 'Subject: the original', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
      lines(2500, 'forwarded'),
      '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Disposition: attachment; filename="notes.txt"', 'Content-Transfer-Encoding: 8bit', '',
      lines(2500, 'notes'),
      '--b1', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="data.bin"', 'Content-Transfer-Encoding: base64', '',
      binary.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b1', 'Content-Type: text/plain; charset=utf-8', 'Content-Disposition: attachment; filename="q.txt"', 'Content-Transfer-Encoding: quoted-printable', '',
      `${'caf=C3=A9 au lait '.repeat(5000)}=\r\nend`,
      '--b1--', '',
    ].join('\r\n'));
    await sendMail(svc.smtpPort, { to: box.email, from: 'sender@example.com', raw });
    const list = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const msg = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list.id })}`)).body as { attachments: Array<{ filename: string; size: number }> };
    // The reference: the same source, parsed here by postal-mime, as the service parsed it before it stored ranges.
    const source = Buffer.from(await (await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...box, id: list.id })}`)).arrayBuffer());
    const expected = (await PostalMime.parse(source, { attachmentEncoding: 'arraybuffer' })).attachments;
    assert.deepEqual(msg.attachments.map((a) => a.filename), ['fwd.eml', 'notes.txt', 'data.bin', 'q.txt']);
    for (const [index, a] of msg.attachments.entries()) {
      const res = await fetch(`${svc.httpUrl}/api/attachment.php?${qs({ ...box, id: list.id, index })}`);
      assert.equal(res.status, 200);
      const got = Buffer.from(await res.arrayBuffer());
      const want = Buffer.from(expected[index]!.content as ArrayBuffer);
      assert.ok(got.equals(want), `${a.filename}: ${got.length} bytes served, ${want.length} parsed`);
      assert.equal(a.size, want.length);
    }
    assert.ok(Buffer.from(expected[2]!.content as ArrayBuffer).equals(binary));
    // Stored once: the forwarded message, the 8bit text and the base64 part as ranges of the raw
    // source (no bytes of their own but the seal's); the quoted-printable part as its own copy.
    const db = new Database(path.join(svc.dataDir, 'tempmail.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT idx, length(content) AS bytes FROM attachments WHERE message_id = ? ORDER BY idx').all(list.id) as Array<{ idx: number; bytes: number }>;
      assert.equal(rows.length, 4);
      assert.ok(rows.slice(0, 3).every((r) => r.bytes < 100), `ranges, not copies: ${JSON.stringify(rows)}`);
      assert.ok(rows[3]!.bytes > 65_536, `the quoted-printable part keeps its copy: ${JSON.stringify(rows)}`);
    } finally {
      db.close();
    }
  });

  it('html.php inlines cid images stored as ranges of the raw source, byte for byte', async () => {
    const box = await generate();
    // Two images past the 64 KB below which attachments keep their own copy; PNG by type, any bytes.
    const images = [Buffer.alloc(100_000, 7), Buffer.from(Array.from({ length: 120_000 }, (_, i) => (i * 31) % 251))];
    const raw = Buffer.from([
      'From: Sender <sender@example.com>', `To: ${box.email}`, 'Subject: inline images', 'MIME-Version: 1.0',
      'Content-Type: multipart/related; boundary="r1"', '',
      '--r1', 'Content-Type: text/html; charset=utf-8', '', '<p><img src="cid:one@x" alt="one"><img src="cid:two@x" alt="two"></p>',
      ...images.flatMap((img, i) => [
        '--r1', 'Content-Type: image/png', `Content-ID: <${i ? 'two' : 'one'}@x>`, 'Content-Disposition: inline', 'Content-Transfer-Encoding: base64', '',
        img.toString('base64').replace(/.{76}/g, '$&\r\n'),
      ]),
      '--r1--', '',
    ].join('\r\n'));
    await sendMail(svc.smtpPort, { to: box.email, from: 'sender@example.com', raw });
    const list = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const html = await (await fetch(`${svc.httpUrl}/api/html.php?${qs({ ...box, id: list.id })}`)).text();
    const inlined = [...html.matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, 'base64'));
    assert.equal(inlined.length, 2, 'both cid images inlined');
    assert.ok(inlined[0]!.equals(images[0]!) && inlined[1]!.equals(images[1]!), 'each image byte for byte');
    const db = new Database(path.join(svc.dataDir, 'tempmail.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT length(content) AS bytes FROM attachments WHERE message_id = ? ORDER BY idx').all(list.id) as Array<{ bytes: number }>;
      assert.deepEqual(rows.map((r) => r.bytes < 100), [true, true], `both stored as ranges: ${JSON.stringify(rows)}`);
    } finally {
      db.close();
    }
  });

  it('derives the plain-text body from HTML when there is no text part', async () => {
    const box = await generate();
    await sendMail(svc.smtpPort, { to: box.email, subject: 'html only', html: '<h1>Welcome</h1><p>Hello <i>there</i></p>' });
    const list = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const msg = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list.id })}`)).body;
    assert.match(msg.body, /Welcome/);
    assert.match(msg.body, /Hello there/);
    assert.doesNotMatch(msg.body, /<p>/);
  });

  it('pushes each new message over the WebSocket as the contract event', async () => {
    const box = await generate();
    const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/ws?${qs({ email: box.email, token: box.token })}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const frame = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    await sendMail(svc.smtpPort, { from: 'noreply@example.org', to: box.email, subject: 'Live one', text: 'Use code 771234 to sign in' });
    const event = await frame;
    // The contract's fields in its order, then the extension sender_name.
    assert.deepEqual(Object.keys(event), ['event', 'id', 'email', 'sender', 'subject', 'otp', 'confirmation_link', 'received_at', 'sender_name']);
    assert.equal(event.event, 'message.received');
    assert.match(event.id, /^msg_/);
    assert.equal(event.email, box.email);
    assert.equal(event.sender, 'noreply@example.org');
    assert.equal(event.sender_name, null, 'a bare From address has no display name');
    assert.equal(event.subject, 'Live one');
    assert.equal(event.otp, '771234');
    assert.equal(event.confirmation_link, null);
    assert.match(event.received_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // A display name (RFC 2047 encoded, with a comma inside quotes) arrives decoded, as read.php has it.
    const named = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    await sendMail(svc.smtpPort, { from: '"Zoë, Support" <help@example.org>', to: box.email, subject: 'Named one', text: 'Hello' });
    const second = await named;
    ws.close();
    assert.equal(second.sender, 'help@example.org');
    assert.equal(second.sender_name, 'Zoë, Support');
    const read = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: second.id })}`)).body;
    assert.equal(read.sender_name, second.sender_name, 'the event and read.php agree');
  });

  it('refuses WebSockets with a wrong token, and browser origins that are not ours', async () => {
    const box = await generate();
    const status = (url: string, headers: Record<string, string> = {}) => new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => { ws.close(); resolve(101); });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    const base = svc.httpUrl.replace('http', 'ws');
    assert.equal(await status(`${base}/ws?${qs({ email: box.email, token: 'wrong-token-wrong-token' })}`), 404);
    assert.equal(await status(`${base}/ws?${qs(box)}`, { Origin: 'https://evil.example' }), 403);
    assert.equal(await status(`${base}/ws?${qs(box)}`, { Origin: svc.httpUrl }), 101);
    assert.equal(await status(`${base}/ws?${qs(box)}`), 101);
  });

  it('takes the token in X-Mailbox-Token and as a WebSocket subprotocol, out of the URL', async () => {
    const box = await generate();
    const inbox = (token: string) => http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email })}`, { headers: { 'x-mailbox-token': token } });
    assert.equal((await inbox(box.token)).status, 200);
    assert.equal((await inbox('wrong-token-wrong-token')).status, 404);
    assert.equal((await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: box.email })}`)).status, 400, 'no token at all');
    const ws = new WebSocket(`${svc.httpUrl.replace('http', 'ws')}/ws?${qs({ email: box.email })}`, ['tempmail', `tempmail.token.${box.token}`]);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    assert.equal(ws.protocol, 'tempmail', 'the token subprotocol is never echoed');
    const frame = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    await sendMail(svc.smtpPort, { to: box.email, subject: 'Token as subprotocol', text: 'hi' });
    assert.equal((await frame).subject, 'Token as subprotocol');
    ws.close();
  });

  it('answers 404 for a wrong token and a foreign message id, 400 for missing parameters', async () => {
    const a = await generate();
    const b = await generate();
    await sendMail(svc.smtpPort, { to: a.email, subject: 'for a', text: 'x' });
    const list = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(a)}`)).body?.[0]);
    const wrong = await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: a.email, token: b.token })}`);
    assert.equal(wrong.status, 404);
    assert.deepEqual(Object.keys(wrong.body.error).sort(), ['code', 'message']);
    assert.equal((await http(`${svc.httpUrl}/api/read.php?${qs({ ...b, id: list.id })}`)).status, 404);
    assert.equal((await http(`${svc.httpUrl}/api/inbox.php?${qs({ email: a.email })}`)).status, 400);
  });

  it('pages the inbox newest first with limit and before', async () => {
    const box = await generate();
    for (let i = 1; i <= 5; i++) await sendMail(svc.smtpPort, { to: box.email, subject: `n${i}`, text: 'x' });
    const all = await eventually(async () => {
      const r = (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body;
      return r.length === 5 ? r : null;
    });
    assert.deepEqual(all.map((m: any) => m.subject), ['n5', 'n4', 'n3', 'n2', 'n1']);
    const page1 = (await http(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 2 })}`)).body;
    const page2 = (await http(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 2, before: page1[1].id })}`)).body;
    assert.deepEqual(page1.map((m: any) => m.subject), ['n5', 'n4']);
    assert.deepEqual(page2.map((m: any) => m.subject), ['n3', 'n2']);
    assert.equal((await http(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 0 })}`)).status, 400);
  });

  it('deletes a mailbox now: it reads as 404 and SMTP refuses it', async () => {
    const box = await generate();
    await sendMail(svc.smtpPort, { to: box.email, subject: 'bye', text: 'x' });
    // Listed and read twice first, so that every cache on the read path holds the mailbox.
    const m = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const readUrl = `${svc.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`;
    for (let i = 0; i < 2; i++) assert.equal((await http(readUrl)).status, 200);
    const del = await http(`${svc.httpUrl}/api/delete.php`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs(box),
    });
    assert.equal(del.status, 200);
    assert.equal((await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).status, 404);
    assert.equal((await http(readUrl)).status, 404);
    await assert.rejects(sendMail(svc.smtpPort, { to: box.email, subject: 'late', text: 'x' }), /550/);
    const again = await http(`${svc.httpUrl}/api/delete.php`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(box),
    });
    assert.equal(again.status, 404);
  });

  it('serves the HTML view under a CSP that blocks scripts and remote loads', async () => {
    const box = await generate();
    await sendMail(svc.smtpPort, { to: box.email, subject: 'html', html: '<p>Hi</p><script>alert(1)</script><img src="https://tracker.example/p.gif">' });
    const m = await eventually(async () => (await http(`${svc.httpUrl}/api/inbox.php?${qs(box)}`)).body?.[0]);
    const res = await fetch(`${svc.httpUrl}/api/html.php?${qs({ ...box, id: m.id })}`);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.match(csp, /img-src data:(;|$)/);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
  });

  it('answers errors as JSON without stack traces, and health endpoints', async () => {
    const res = await http(`${svc.httpUrl}/api/read.php?email=not-an-address&token=x&id=y`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'bad_request');
    assert.doesNotMatch(JSON.stringify(res.body), /at .*\.js:\d+/);
    assert.equal((await http(`${svc.httpUrl}/healthz`)).status, 200);
    assert.equal((await http(`${svc.httpUrl}/readyz`)).status, 200);
    assert.equal((await http(`${svc.httpUrl}/nope`)).status, 404);
  });
});
