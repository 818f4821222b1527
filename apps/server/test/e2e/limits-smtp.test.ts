/**
 * SMTP limits with hostile input over real sockets: command length, recipients, size (declared and
 * not), SMTP smuggling, bare LF, control characters, connections and messages per session,
 * rejected recipients, idle time, session deadline, minimum data rate, free disk, messages and
 * bytes kept per mailbox (by plan). Also: the defaults never get in the way of normal senders.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { http, qs } from '../helpers/api.js';
import { createKey } from '../helpers/keys.js';
import { rawSmtp } from '../helpers/smtp-client.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { deliver, inbox, newBox, plainMessage, session, sessionOnceFreed, sleep, transaction } from './limits-helpers.js';

describe('SMTP limits: hostile input on default limits', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_MAX_MESSAGE_BYTES: String(1024 * 1024) }); });
  after(async () => { await svc.stop(); });

  it('a 5 MB command line gets 421 and the connection is closed; the server serves the next client', async () => {
    for (const tail of ['>\r\n', '']) {
      const s = await session(svc.smtpPort);
      s.send(`MAIL FROM:<${'a'.repeat(5 * 1024 * 1024)}${tail}`);
      const r = await s.reply();
      assert.equal(r.code, 421, r.text);
      assert.match(r.text, /too long/i);
      await s.closed;
    }
    const box = await newBox(svc);
    assert.equal((await deliver(svc.smtpPort, [box.email], plainMessage('after the long line'))).code, 250);
  });

  it('1,001 recipients: the first 100 are accepted, every later one gets 452 4.5.3, the message reaches the 100', async () => {
    const boxes = [];
    for (let i = 0; i < 150; i++) boxes.push(await newBox(svc));
    const s = await session(svc.smtpPort);
    assert.equal((await s.command('MAIL FROM:<bulk@example.com>')).code, 250);
    const started = Date.now();
    // Pipelined, as a bulk sender would: 150 live mailboxes, then 851 unknown addresses.
    const rcpts = [...boxes.map((b) => b.email), ...Array.from({ length: 851 }, (_, i) => `unknown${i}@tempmail.local`)];
    s.send(rcpts.map((r) => `RCPT TO:<${r}>\r\n`).join(''));
    const codes: number[] = [];
    for (let i = 0; i < rcpts.length; i++) {
      const r = await s.reply();
      codes.push(r.code);
      if (i >= 100) assert.match(r.text, /^452 4\.5\.3/, `reply ${i}: ${r.text}`);
    }
    const elapsed = Date.now() - started;
    assert.equal(codes.filter((c) => c === 250).length, 100);
    assert.equal(codes.filter((c) => c === 452).length, 901);
    assert.equal((await s.command('DATA')).code, 354);
    assert.equal((await s.command('Subject: to the hundred\r\n\r\nhi\r\n.')).code, 250);
    s.close();
    assert.equal((await inbox(svc, boxes[0])).length, 1);
    assert.equal((await inbox(svc, boxes[99])).length, 1);
    assert.equal((await inbox(svc, boxes[100])).length, 0);
    console.log(`# 1,001 pipelined RCPTs answered in ${elapsed} ms`);
  });

  it('more than 100 rejected recipients in a session: 421 and the connection is closed', async () => {
    const s = await session(svc.smtpPort);
    await s.command('MAIL FROM:<guess@example.com>');
    s.send(Array.from({ length: 101 }, (_, i) => `RCPT TO:<guess${i}@tempmail.local>\r\n`).join(''));
    for (let i = 0; i < 100; i++) assert.equal((await s.reply()).code, 550);
    const last = await s.reply();
    assert.match(last.text, /^421 4\.7\.0/);
    await s.closed;
  });

  it('an undeclared 30 MB body over TEMPMAIL_MAX_MESSAGE_BYTES (1 MB): 552 5.3.4, nothing kept, the session goes on', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    await s.command('MAIL FROM:<big@example.com>');
    assert.equal((await s.command(`RCPT TO:<${box.email}>`)).code, 250);
    assert.equal((await s.command('DATA')).code, 354);
    const line = `${'y'.repeat(1022)}\r\n`;
    const chunk = Buffer.from(line.repeat(1024)); // 1 MB
    s.send('Subject: thirty megabytes\r\n\r\n');
    for (let i = 0; i < 30; i++) s.send(chunk);
    const started = Date.now();
    const r = await s.command('.', 60_000);
    assert.equal(r.code, 552, r.text);
    assert.match(r.text, /5\.3\.4/);
    console.log(`# 30 MB drained and refused ${Date.now() - started} ms after the last byte was queued`);
    assert.equal((await transaction(s, [box.email], plainMessage('small one'))).code, 250);
    s.close();
    const list = await inbox(svc, box);
    assert.deepEqual(list.map((m) => m.subject), ['small one']);
  });

  it('SIZE= above the limit is refused at MAIL FROM with 552', async () => {
    const s = await session(svc.smtpPort);
    const r = await s.command(`MAIL FROM:<big@example.com> SIZE=${30 * 1024 * 1024}`);
    assert.equal(r.code, 552);
    assert.equal((await s.command(`MAIL FROM:<big@example.com> SIZE=${1024}`)).code, 250);
    s.close();
  });

  it('SMTP smuggling: \\n.\\r\\n, \\r\\n.\\n, \\n.\\n and \\r.\\r\\n never end a message', async () => {
    for (const fake of ['\n.\r\n', '\r\n.\n', '\n.\n', '\r.\r\n']) {
      const box = await newBox(svc);
      const s = await session(svc.smtpPort);
      await s.command('MAIL FROM:<attacker@example.com>');
      await s.command(`RCPT TO:<${box.email}>`);
      assert.equal((await s.command('DATA')).code, 354);
      s.send(`Subject: first\r\n\r\nhello${fake}MAIL FROM:<admin@bank.example>\r\nRCPT TO:<${box.email}>\r\nDATA\r\nSubject: smuggled\r\n\r\nsend money\r\n.\r\n`);
      const r = await s.reply();
      assert.equal(r.code, 250, `${JSON.stringify(fake)}: ${r.text}`);
      await assert.rejects(s.reply(400), /timeout/, 'one message, one reply: nothing was smuggled in');
      assert.equal((await s.command('QUIT')).code, 221);
      const list = await inbox(svc, box);
      assert.deepEqual(list.map((m) => m.subject), ['first'], JSON.stringify(fake));
      const read = await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list[0].id })}`);
      assert.match(read.body.body, /MAIL FROM:<admin@bank\.example>/, 'the would-be commands are message content');
    }
  });

  it('bare LF line endings are normalised to CRLF (TEMPMAIL_SMTP_BARE_LF=normalize, the default)', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    await s.command('MAIL FROM:<unix@example.com>');
    await s.command(`RCPT TO:<${box.email}>`);
    await s.command('DATA');
    const r = await s.command('Subject: bare lf\nX-Mixed: yes\r\n\nline one\nline two\r\n.');
    assert.equal(r.code, 250, r.text);
    s.close();
    const [m] = await inbox(svc, box);
    assert.equal(m.subject, 'bare lf');
    const raw = await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...box, id: m.id })}`).then((x) => x.text());
    assert.equal(raw, 'Subject: bare lf\r\nX-Mixed: yes\r\n\r\nline one\r\nline two\r\n');
  });

  it('control characters in envelope addresses are refused', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    for (const bad of ['a\x01b@example.com', 'a\x1b[31m@example.com', 'a\x7fb@example.com']) {
      const r = await s.command(`MAIL FROM:<${bad}>`);
      assert.ok(r.code >= 500 && r.code < 600, r.text);
    }
    assert.equal((await s.command('MAIL FROM:<ok@example.com>')).code, 250);
    const [local, domain] = box.email.split('@');
    for (const bad of [`${local}\x00@${domain}`, `${local}\x1b@${domain}`, `${local}\x7f@${domain}`]) {
      const r = await s.command(`RCPT TO:<${bad}>`);
      assert.ok(r.code >= 500 && r.code < 600, r.text);
    }
    s.close();
  });

  it('normal senders are never in the way: 50 parallel sessions from one address, 1,000 messages in one session', async () => {
    const box = await newBox(svc);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(svc.smtpPort, [box.email], plainMessage(`parallel ${i}`))));
    assert.deepEqual(results.map((r) => r.code), Array(50).fill(250));
    const s = await session(svc.smtpPort);
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      const r = await transaction(s, [box.email], plainMessage(`serial ${i}`));
      assert.equal(r.code, 250, `message ${i}: ${r.text}`);
    }
    assert.equal((await s.command('QUIT')).code, 221);
    console.log(`# 1,000 messages in one session: ${Date.now() - started} ms`);
    const list = await inbox(svc, box);
    assert.equal(list.length, 500, 'TEMPMAIL_MAX_MESSAGES_PER_MAILBOX (500) newest kept');
    assert.equal(list[0].subject, 'serial 999');
  });
});

describe('SMTP limits: connections and messages per session, bare LF reject', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({ TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: '5', TEMPMAIL_SMTP_MAX_MESSAGES_PER_SESSION: '3', TEMPMAIL_SMTP_BARE_LF: 'reject' });
  });
  after(async () => { await svc.stop(); });

  it('TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: the 6th connection from one address gets 421 4.7.0; others are unaffected', async () => {
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await session(svc.smtpPort, '127.0.0.20'));
    const sixth = await rawSmtp(svc.smtpPort, '127.0.0.1', '127.0.0.20');
    const r = await sixth.reply();
    assert.match(r.text, /^421 4\.7\.0/);
    await sixth.closed;
    const other = await session(svc.smtpPort, '127.0.0.21');
    other.close();
    held[0].close();
    await held[0].closed;
    const again = await sessionOnceFreed(svc.smtpPort, '127.0.0.20');
    again.close();
    for (const h of held) h.close();
  });

  it('TEMPMAIL_SMTP_MAX_MESSAGES_PER_SESSION: the 4th MAIL FROM gets 421 and the connection closes', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    for (let i = 0; i < 3; i++) assert.equal((await transaction(s, [box.email], plainMessage(`m${i}`))).code, 250);
    const r = await s.command('MAIL FROM:<more@example.com>');
    assert.equal(r.code, 421);
    await s.closed;
    assert.equal((await inbox(svc, box)).length, 3);
  });

  it('TEMPMAIL_SMTP_BARE_LF=reject: a message with bare LF gets 550 5.6.11 and is not kept', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    const bad = await transaction(s, [box.email], 'Subject: bare\n\nline\n');
    assert.match(bad.text, /^550 5\.6\.11/);
    assert.equal((await transaction(s, [box.email], 'Subject: crlf\r\n\r\nline\r\n')).code, 250);
    s.close();
    assert.deepEqual((await inbox(svc, box)).map((m) => m.subject), ['crlf']);
  });
});

describe('SMTP limits: time (idle, session deadline, minimum data rate)', () => {
  let svc: ServiceHandle;
  before(async () => {
    svc = await startService({
      TEMPMAIL_SMTP_IDLE_TIMEOUT_MS: '1000',
      TEMPMAIL_SMTP_SESSION_DEADLINE_MS: '2500',
      TEMPMAIL_SMTP_MIN_DATA_RATE: '2000',
      TEMPMAIL_SMTP_DATA_RATE_WINDOW_MS: '1000',
    });
  });
  after(async () => { await svc.stop(); });

  it('an idle client gets 421 after TEMPMAIL_SMTP_IDLE_TIMEOUT_MS', async () => {
    const s = await session(svc.smtpPort);
    const r = await s.reply();
    assert.equal(r.code, 421);
    await s.closed;
  });

  it('a busy client (NOOP every 300 ms) is cut off at TEMPMAIL_SMTP_SESSION_DEADLINE_MS with 421 4.4.2', async () => {
    const s = await session(svc.smtpPort);
    const started = Date.now();
    let last = { code: 250, text: '' };
    while (last.code === 250 && Date.now() - started < 60_000) {
      await sleep(300);
      try {
        last = await s.command('NOOP');
      } catch {
        break;
      }
    }
    assert.match(last.text, /^421 4\.4\.2/);
    console.log(`# session deadline hit after ${Date.now() - started} ms`);
    await s.closed;
  });

  it('slowloris DATA (10 bytes every 200 ms, under TEMPMAIL_SMTP_MIN_DATA_RATE): 421 4.4.2 and nothing kept', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    await s.command('MAIL FROM:<slow@example.com>');
    await s.command(`RCPT TO:<${box.email}>`);
    assert.equal((await s.command('DATA')).code, 354);
    const started = Date.now();
    let reply: { code: number; text: string } | null = null;
    s.send('Subject: slow\r\n\r\n');
    while (!reply && Date.now() - started < 60_000) {
      s.send('0123456789');
      reply = await s.reply(200).catch(() => null);
    }
    assert.ok(reply, 'the server cut the slow client off');
    assert.match(reply.text, /^421 4\.4\.2 Data rate too low/);
    await s.closed;
    console.log(`# slow DATA cut off after ${Date.now() - started} ms`);
    assert.equal((await inbox(svc, box)).length, 0);
    // A normal client on the same server is not affected.
    assert.equal((await deliver(svc.smtpPort, [box.email], plainMessage('fast', 200_000))).code, 250);
  });
});

describe('SMTP limits: messages and bytes kept per mailbox, by plan', () => {
  let svc: ServiceHandle;
  const env = {
    TEMPMAIL_MAX_MESSAGES_PER_MAILBOX: '2',
    TEMPMAIL_FREE_MAX_MESSAGES_PER_MAILBOX: '3',
    TEMPMAIL_PREMIUM_MAX_MESSAGES_PER_MAILBOX: '5',
    TEMPMAIL_MAX_MAILBOX_BYTES: '4000',
  };
  before(async () => { svc = await startService(env); });
  after(async () => { await svc.stop(); });

  const keyedBox = async (s: ServiceHandle, key: string) => {
    const res = await http(`${s.httpUrl}/v1/generate_email.php?${qs({ key })}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.email as string;
  };
  const keyedInbox = async (s: ServiceHandle, key: string, email: string) =>
    (await http(`${s.httpUrl}/v1/inbox.php?${qs({ key, email })}`)).body as Array<{ subject: string }>;

  it('keeps the newest 2 (anonymous), 3 (free key), 5 (premium key), also after a restart (plans reloaded)', async () => {
    const free = await createKey(svc, 'free');
    const premium = await createKey(svc, 'premium');
    const anon = await newBox(svc);
    const freeBox = await keyedBox(svc, free);
    const premiumBox = await keyedBox(svc, premium);
    for (let i = 0; i < 6; i++) {
      const r = await deliver(svc.smtpPort, [anon.email, freeBox, premiumBox], plainMessage(`n${i}`, 150));
      assert.equal(r.code, 250, r.text);
    }
    assert.deepEqual((await inbox(svc, anon)).map((m) => m.subject), ['n5', 'n4']);
    assert.deepEqual((await keyedInbox(svc, free, freeBox)).map((m) => m.subject), ['n5', 'n4', 'n3']);
    assert.deepEqual((await keyedInbox(svc, premium, premiumBox)).map((m) => m.subject), ['n5', 'n4', 'n3', 'n2', 'n1']);

    // Restart: the plan cache is empty; SMTP loads the owner's plan before storing.
    await svc.stop({ keepData: true });
    svc = await startService({ ...env, DATA_DIR: svc.dataDir });
    assert.equal((await deliver(svc.smtpPort, [premiumBox], plainMessage('n6', 150))).code, 250);
    assert.deepEqual((await keyedInbox(svc, premium, premiumBox)).map((m) => m.subject), ['n6', 'n5', 'n4', 'n3', 'n2']);
  });

  it('TEMPMAIL_MAX_MAILBOX_BYTES: a message that would go past it is refused with 552 5.2.2 (at RCPT with SIZE=, else after DATA)', async () => {
    const premium = await createKey(svc, 'premium');
    const box = await keyedBox(svc, premium);
    const s = await session(svc.smtpPort);
    assert.equal((await transaction(s, [box], plainMessage('a', 1500))).code, 250);
    assert.equal((await transaction(s, [box], plainMessage('b', 1500))).code, 250);
    const third = await transaction(s, [box], plainMessage('c', 1500)); // 3000 + 1500 > 4000
    assert.match(third.text, /^552 5\.2\.2/);
    assert.equal((await s.command('RSET')).code, 250);
    assert.equal((await s.command('MAIL FROM:<a@example.com> SIZE=1500')).code, 250);
    assert.match((await s.command(`RCPT TO:<${box}>`)).text, /^552 5\.2\.2/, 'refused at RCPT when SIZE= says it will not fit');
    assert.equal((await s.command('RSET')).code, 250);
    assert.equal((await transaction(s, [box], plainMessage('d', 900))).code, 250); // ~3900 bytes now
    s.close();
    assert.deepEqual((await keyedInbox(svc, premium, box)).map((m) => m.subject), ['d', 'b', 'a']);
  });
});

describe('SMTP limits: free disk below TEMPMAIL_MIN_FREE_DISK_BYTES', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_MIN_FREE_DISK_BYTES: '9000000000000000' }); });
  after(async () => { await svc.stop(); });

  it('MAIL FROM gets 452 4.3.1 and nothing is stored; HTTP still serves', async () => {
    const box = await newBox(svc);
    const s = await session(svc.smtpPort);
    const r = await s.command('MAIL FROM:<a@example.com>');
    assert.match(r.text, /^452 4\.3\.1/);
    s.close();
    assert.equal((await inbox(svc, box)).length, 0);
    assert.equal((await http(`${svc.httpUrl}/readyz`)).status, 200);
  });
});
