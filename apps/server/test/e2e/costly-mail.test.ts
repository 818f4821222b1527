/**
 * Costly mail in its own lane (ingest/parser/lanes.ts), end to end over SMTP: four senders,
 * each from its own client address, loop messages that cost the parser 15-50 times a normal
 * one (13,000 nested message/rfc822 levels; a Subject folded over 1,150 lines) while an
 * ordinary message is sent. It must arrive, parsed and correct; the costly ones must all be
 * stored too (displayed, or kept raw with a reason), nothing lost. The latency bound itself is a
 * bench row (`npm run bench`, latency section), not a verdict here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { http, qs } from '../helpers/api.js';
import { foldedSubject, nestedRfc822 } from '../helpers/costly-mail.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { inbox, newBox, session, transaction } from './limits-helpers.js';

const SENDERS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const COSTLY_WAIT_MS = 300_000;
const sha = (b: Buffer | ArrayBuffer) => createHash('sha256').update(Buffer.from(b as ArrayBuffer)).digest('hex');

describe('costly mail from four senders does not keep an ordinary message out', () => {
  let svc: ServiceHandle;
  // Costly mail is parsed at a low CPU priority: on a busy machine one such message can wait
  // minutes for its 250, so the server's idle timeout and the client's wait are generous here.
  before(async () => { svc = await startService({ TEMPMAIL_SMTP_MAX_CLIENTS_PER_IP: '10', TEMPMAIL_SMTP_IDLE_TIMEOUT_MS: String(COSTLY_WAIT_MS) }); });
  after(async () => { await svc.stop(); });

  it('the ordinary message arrives parsed and correct while costly mail loops; every costly message is stored', { timeout: 1_200_000 }, async () => {
    const costlyBox = await newBox(svc);
    const box = await newBox(svc);
    let looping = true;
    let firstAccepted: () => void;
    const oneAccepted = new Promise<void>((r) => { firstAccepted = r; });
    const sent: Buffer[] = [];
    const loops = SENDERS.map(async (address, n) => {
      const s = await session(svc.smtpPort, address);
      try {
        for (let i = 0; looping || i < 2; i++) {
          const raw = (i + n) % 2 === 0 ? nestedRfc822(13_000, `nested ${address} #${i}`) : foldedSubject(1_150, `folded ${address} #${i}`);
          const r = await transaction(s, [costlyBox.email], raw, undefined, COSTLY_WAIT_MS);
          assert.equal(r.code, 250, `${address} #${i}: ${r.text}`);
          sent.push(raw);
          firstAccepted();
        }
      } finally {
        s.close();
      }
    });
    // Costly mail is in the parser lanes now: each sender has a message in flight or queued.
    await oneAccepted;
    const code = '730519';
    const ordinary = [
      'From: "Example Shop" <no-reply@shop.example>', `Subject: Your sign-in code ${code}`, 'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="alt"', '',
      '--alt', 'Content-Type: text/plain; charset=utf-8', '', `Your sign-in code is ${code}. It expires in 10 minutes.`,
      '--alt', 'Content-Type: text/html; charset=utf-8', '', `<p>Your sign-in code is <b>${code}</b>.</p>`, '--alt--', '',
    ].join('\r\n');
    const s = await session(svc.smtpPort, '127.0.0.1');
    try {
      assert.equal((await transaction(s, [box.email], ordinary)).code, 250);
    } finally {
      s.close();
    }
    looping = false;

    const [m] = await inbox(svc, box);
    assert.equal(m.subject, `Your sign-in code ${code}`);
    assert.equal(m.sender, 'no-reply@shop.example');
    const read = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`)).body;
    assert.equal(read.otp, code);
    assert.match(read.body, new RegExp(`Your sign-in code is ${code}\\.`));
    assert.match(read.html, /<b>730519<\/b>/);

    await Promise.all(loops);
    const stored = await inbox(svc, costlyBox);
    assert.equal(stored.length, sent.length, 'every costly message was stored');
    for (const summary of stored) {
      const raw = await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...costlyBox, id: summary.id })}`).then((x) => x.arrayBuffer());
      const original = sent.find((b) => sha(b) === sha(raw));
      assert.ok(original, `${summary.subject}: raw.php returns one of the messages sent, byte for byte`);
      const msg = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...costlyBox, id: summary.id })}`)).body;
      if (summary.subject.startsWith('nested')) {
        // Displayed (parsed in the costly lane), its deeper levels one attachment.
        assert.doesNotMatch(msg.body, /did not display/, summary.subject);
        assert.equal(msg.attachments.length, 1, summary.subject);
      } else {
        assert.match(summary.subject, /^folded 127\.0\.0\.\d #\d+ 0000w+/);
        assert.match(msg.body, /folded over more than 200 lines/, summary.subject);
      }
    }
  });
});
