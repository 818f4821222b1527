/**
 * MIME parser limits with hostile messages over SMTP: a 10,000-deep multipart, 100,000 sibling
 * parts, a 3 MB header, too many attachments, a nesting one level too deep. Each is accepted and
 * kept raw: the inbox shows its subject, read.php an explanatory body, raw.php the exact original.
 * Meanwhile the event loop stays responsive (parsing runs in a worker thread; /healthz is probed
 * throughout and must keep answering), and a parse that overruns TEMPMAIL_PARSE_TIMEOUT_MS is cut
 * off. Times are printed, not judged: `npm run bench` measures them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { http, qs } from '../helpers/api.js';
import { probeHealth } from '../helpers/health-probe.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { parseMail } from '../../src/ingest/parser/parse-mail.js';
import { bigHtml, deepMultipart, deliver, hugeHeader, inbox, manyAttachments, newBox, siblingParts } from './limits-helpers.js';

const LIMITS = { maxMimeDepth: 32, maxHeaderBytes: 1024 * 1024, maxMimeParts: 1000, maxAttachments: 200, maxHeaderFolds: 200, maxRfc822Depth: 3 };
const sha = (b: Buffer | ArrayBuffer) => createHash('sha256').update(Buffer.from(b as ArrayBuffer)).digest('hex');

const HOSTILE: Array<{ name: string; make: () => Buffer; reason: RegExp }> = [
  { name: '10,000-deep multipart', make: () => deepMultipart(10_000, 'deep ten thousand'), reason: /more than 1000 MIME parts/ },
  { name: '100,000 sibling parts', make: () => siblingParts(100_000, 'hundred thousand parts'), reason: /more than 1000 MIME parts/ },
  { name: '3 MB header', make: () => hugeHeader(3 * 1024 * 1024, 'three megabyte header'), reason: /header block is larger than 1048576 bytes/ },
  { name: '201 attachments', make: () => manyAttachments(201, 'too many attachments'), reason: /more than 200 attachments/ },
  { name: '33-deep multipart', make: () => deepMultipart(33, 'one level too deep'), reason: /nested deeper than 32 levels/ },
  { name: '1,001 sibling parts', make: () => siblingParts(1001, 'one part too many'), reason: /more than 1000 MIME parts/ },
];

describe('MIME limits: hostile messages are kept raw and stay readable', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({}); });
  after(async () => { await svc.stop(); });

  it('each hostile message: 250, kept raw with its subject, an explanatory body, the exact original from raw.php; /healthz stays fast', async () => {
    const box = await newBox(svc);
    const health = probeHealth(svc.httpUrl);
    const sent: Array<{ name: string; raw: Buffer; reason: RegExp; ms: number }> = [];
    for (const h of HOSTILE) {
      const raw = h.make();
      const t = performance.now();
      const r = await deliver(svc.smtpPort, [box.email], raw);
      assert.equal(r.code, 250, `${h.name}: ${r.text}`);
      sent.push({ name: h.name, raw, reason: h.reason, ms: performance.now() - t });
    }
    const { max, count, failed } = await health.stop();
    assert.ok(count > 0 && failed === 0, `/healthz answered ${count - failed} of ${count} probes`);
    const list = await inbox(svc, box);
    assert.equal(list.length, HOSTILE.length);
    for (const [i, s] of sent.entries()) {
      const summary = list[HOSTILE.length - 1 - i];
      const subject = s.raw.toString('latin1').match(/\r\nSubject: ([^\r]*)/)![1];
      assert.equal(summary.subject, subject, s.name);
      assert.equal(summary.sender, 'hostile@example.com', s.name);
      const read = await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: summary.id })}`);
      assert.equal(read.status, 200);
      assert.match(read.body.body, /TempMail did not display this message/, s.name);
      assert.match(read.body.body, s.reason, s.name);
      assert.match(read.body.body, /raw\.php/);
      assert.deepEqual(read.body.attachments, []);
      assert.equal(read.body.html, null);
      const raw = await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...box, id: summary.id })}`).then((x) => x.arrayBuffer());
      assert.equal(sha(raw), sha(s.raw), `${s.name}: raw.php returns the original`);
    }
    console.log(`# delivery (SMTP to 250) per hostile message: ${sent.map((s) => `${s.name} ${(s.raw.length / 1e6).toFixed(2)} MB ${s.ms.toFixed(0)} ms`).join('; ')}`);
    console.log(`# /healthz meanwhile: slowest ${max.toFixed(0)} ms over ${count} probes`);
  });

  it('at the limits a message is parsed normally (32 levels, 1,000 parts, 200 attachments)', async () => {
    const box = await newBox(svc);
    for (const raw of [deepMultipart(32, 'thirty-two deep'), siblingParts(1000, 'a thousand parts'), manyAttachments(200, 'two hundred attachments')]) {
      assert.equal((await deliver(svc.smtpPort, [box.email], raw)).code, 250);
    }
    const list = await inbox(svc, box);
    const read = async (i: number) => (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list[i].id })}`)).body;
    assert.equal((await read(0)).attachments.length, 200);
    assert.match((await read(1)).body, /^0\n/);
    assert.equal((await read(2)).body.trim(), 'innermost');
  });

  it('a 20 MB HTML message does not stall the event loop (parsed in a worker)', async () => {
    const box = await newBox(svc);
    const health = probeHealth(svc.httpUrl, 0);
    const t = performance.now();
    const delivered = deliver(svc.smtpPort, [box.email], bigHtml(20, 'twenty megabytes of html'));
    // While the 20 MB are in flight, /healthz answers (event-driven: no clock decides).
    let done = false;
    void delivered.finally(() => { done = true; });
    await Promise.race([health.answered(3), delivered]);
    const answeredDuring = !done;
    assert.equal((await delivered).code, 250);
    const took = performance.now() - t;
    const { max, count, failed } = await health.stop();
    console.log(`# 20 MB HTML: 250 after ${took.toFixed(0)} ms; /healthz slowest ${max.toFixed(0)} ms over ${count} probes`);
    assert.ok(answeredDuring, '/healthz answered while the 20 MB message was parsed');
    assert.equal(failed, 0);
    const [m] = await inbox(svc, box);
    assert.equal(m.subject, 'twenty megabytes of html');
  });

  it('a message of several MB crosses to the parser, back and to the store in slices, byte for byte', async () => {
    // Each part is bigger than the 1 MiB slice, so every sliced path runs: the raw message to the
    // parser process, the body and the attachment back, the concatenation and the sealing.
    const box = await newBox(svc);
    const text = Array.from({ length: 60_000 }, (_, i) => `line ${i} of the text part`).join('\r\n');
    const html = `<html><body>${Array.from({ length: 80_000 }, (_, i) => `<p>para ${i}</p>`).join('\r\n')}</body></html>`;
    const binary = Buffer.alloc(2_500_000);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 2654435761) >>> 24;
    const raw = Buffer.from([
      'From: big@example.com', 'Subject: sliced', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="s"', '',
      '--s', 'Content-Type: multipart/alternative; boundary="a"', '',
      '--a', 'Content-Type: text/plain; charset=utf-8', '', text,
      '--a', 'Content-Type: text/html; charset=utf-8', '', html, '--a--',
      '--s', 'Content-Type: application/octet-stream; name="blob.bin"', 'Content-Disposition: attachment; filename="blob.bin"',
      'Content-Transfer-Encoding: base64', '', binary.toString('base64').replace(/.{76}/g, '$&\r\n'), '--s--', '',
    ].join('\r\n'));
    assert.ok(raw.length > 5_000_000, `${raw.length} bytes`);
    assert.equal((await deliver(svc.smtpPort, [box.email], raw)).code, 250);
    const [m] = await inbox(svc, box);
    const read = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`)).body;
    assert.equal(read.body.trim(), text.replace(/\r\n/g, '\n').trim());
    assert.equal(sha(Buffer.from((read.html as string).trim())), sha(Buffer.from(html.replace(/\r\n/g, '\n').trim())), 'the HTML part');
    const att = await fetch(`${svc.httpUrl}/api/attachment.php?${qs({ ...box, id: m.id, index: 0 })}`);
    assert.equal(sha(await att.arrayBuffer()), sha(binary), 'the attachment');
    const source = await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...box, id: m.id })}`);
    assert.equal(sha(await source.arrayBuffer()), sha(raw), 'the raw source');
  });

  it('worst-case parse times of the hostile messages (in-process, for the record)', async () => {
    const times: string[] = [];
    for (const h of HOSTILE) {
      const raw = h.make();
      const t = performance.now();
      const parsed = await parseMail(raw, LIMITS);
      const ms = performance.now() - t;
      assert.match(parsed.unparsed ?? '', h.reason, h.name);
      times.push(`${h.name} ${ms.toFixed(0)} ms`);
    }
    console.log(`# parse time, kept raw: ${times.join('; ')}`);
  });
});

describe('MIME limits: TEMPMAIL_PARSE_TIMEOUT_MS', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_PARSE_TIMEOUT_MS: '100' }); });
  after(async () => { await svc.stop(); });

  it('a parse that overruns it is cut off: the message is kept raw, the next one parses normally', async () => {
    const box = await newBox(svc);
    assert.equal((await deliver(svc.smtpPort, [box.email], bigHtml(20, 'slow to parse'))).code, 250);
    assert.equal((await deliver(svc.smtpPort, [box.email], 'Subject: quick\r\n\r\nYour code is 123456\r\n')).code, 250);
    const list = await inbox(svc, box);
    assert.deepEqual(list.map((m) => m.subject), ['quick', 'slow to parse']);
    const slow = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list[1].id })}`)).body;
    assert.match(slow.body, /took longer than 100 ms/);
    const quick = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list[0].id })}`)).body;
    assert.match(quick.body, /123456/);
  });
});

describe('MIME limits: TEMPMAIL_PARSE_MEMORY_MB', () => {
  let svc: ServiceHandle;
  before(async () => { svc = await startService({ TEMPMAIL_PARSE_MEMORY_MB: '64' }); });
  after(async () => { await svc.stop(); });

  it('a message that makes the parser use more memory is kept raw; the service and the next message are fine', async () => {
    const box = await newBox(svc);
    const health = probeHealth(svc.httpUrl);
    assert.equal((await deliver(svc.smtpPort, [box.email], bigHtml(10, 'memory bomb'))).code, 250);
    assert.equal((await deliver(svc.smtpPort, [box.email], bigHtml(20, 'needs a lot'))).code, 250);
    assert.equal((await deliver(svc.smtpPort, [box.email], 'Subject: after\r\n\r\nYour code is 654321\r\n')).code, 250);
    const { max, count, failed } = await health.stop();
    assert.ok(count > 0 && failed === 0, `/healthz answered ${count - failed} of ${count} probes`);
    const list = await inbox(svc, box);
    assert.deepEqual(list.map((m) => m.subject), ['after', 'needs a lot', 'memory bomb']);
    for (const m of list.slice(1)) {
      const read = (await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`)).body;
      assert.match(read.body, /needed more memory than allowed/, m.subject);
    }
    assert.match((await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: list[0].id })}`)).body.body, /654321/);
    console.log(`# memory-capped parses: /healthz slowest ${max.toFixed(0)} ms`);
  });
});
