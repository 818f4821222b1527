/**
 * Issue 16, finding 1: a mailbox of huge subjects. Each stored subject is capped (the full header
 * stays in raw.php), a listing is bounded in bytes and pages on with X-TempMail-Next-Before, and
 * parallel listings of the largest page keep /healthz answering with memory bounded. Timing is
 * printed; `npm run bench` measures it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { http, qs } from '../helpers/api.js';
import { probeHealth } from '../helpers/health-probe.js';
import { createKey } from '../helpers/keys.js';
import { rssMb } from '../helpers/process-memory.js';
import { type ServiceHandle, startService } from '../helpers/service.js';
import { deliver, newBox } from './limits-helpers.js';

const MESSAGES = 16;
const SUBJECT_CHARS = 200_000;
const LIST_MAX_BYTES = 16 * 1024; // the smallest allowed: a dozen capped summaries span pages

/** A message whose Subject is `chars` long (folded into 76-character lines, as a sender would). */
function hugeSubject(n: number, chars: number): { raw: Buffer; subject: string } {
  const words = `huge${n} `.padEnd(12, 'x');
  const subject = words.repeat(Math.ceil(chars / words.length)).slice(0, chars).trim();
  const folded = subject.match(/.{1,76}/g)!.join('\r\n ');
  const raw = Buffer.from(`From: "${'N'.repeat(5000)}" <big@example.com>\r\nTo: ${Array.from({ length: 300 }, (_, i) => `r${i}@example.com`).join(', ')}\r\n`
    + `Subject: ${folded}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello ${n}\r\n`);
  return { raw, subject: subject.replace(/\s+/g, '') }; // compared without white space: folding adds some
}

describe('huge subjects: capped, listings bounded in bytes and paged, the loop free', () => {
  let svc: ServiceHandle;
  let box: { email: string; token: string };
  const sent: string[] = [];
  before(async () => {
    svc = await startService({ TEMPMAIL_LIST_MAX_BYTES: String(LIST_MAX_BYTES) });
    box = await newBox(svc);
    for (let i = 0; i < MESSAGES; i += 4) {
      await Promise.all([0, 1, 2, 3].map(async (j) => {
        const { raw, subject } = hugeSubject(i + j, SUBJECT_CHARS);
        sent[i + j] = subject;
        assert.equal((await deliver(svc.smtpPort, [box.email], raw)).code, 250);
      }));
    }
  });
  after(async () => { await svc.stop(); });

  it('stores a capped subject; raw.php keeps the whole header', async () => {
    const first = await http(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 1 })}`);
    assert.equal(first.status, 200);
    const [m] = first.body as Array<{ id: string; subject: string; sender: string }>;
    assert.ok(m.subject.length <= 998, `subject of ${m.subject.length} characters`);
    // Parsed, it ends with "…"; kept raw (a parse cut off on a very busy machine), it is cut at 998 as well.
    assert.equal(m.sender, 'big@example.com');
    const n = Number(/^huge(\d+)/.exec(m.subject)![1]);
    assert.ok(sent[n].startsWith(m.subject.slice(0, -1).replace(/\s+/g, '')), 'the cap keeps the start of the subject');
    const raw = await (await fetch(`${svc.httpUrl}/api/raw.php?${qs({ ...box, id: m.id })}`)).text();
    assert.ok(raw.length > SUBJECT_CHARS, 'the original source is whole');
    const read = await http(`${svc.httpUrl}/api/read.php?${qs({ ...box, id: m.id })}`);
    assert.equal(read.body.subject, m.subject);
  });

  it('a listing stops before TEMPMAIL_LIST_MAX_BYTES and pages on; no message is lost', async () => {
    for (const [path, extra] of [['/api/inbox.php', box], ['/api/inbox.php', { ...box, limit: 1000 }]] as const) {
      const seen: string[] = [];
      let before: string | undefined;
      let pages = 0;
      for (;;) {
        const res = await fetch(`${svc.httpUrl}${path}?${qs({ ...extra, before })}`);
        const text = await res.text();
        assert.equal(res.status, 200);
        assert.ok(Buffer.byteLength(text) <= LIST_MAX_BYTES, `page of ${Buffer.byteLength(text)} bytes`);
        const page = JSON.parse(text) as Array<{ id: string }>;
        assert.ok(page.length > 0);
        seen.push(...page.map((m) => m.id));
        pages++;
        const next = res.headers.get('x-tempmail-next-before');
        if (!next) break;
        assert.equal(next, page[page.length - 1].id);
        before = next;
      }
      assert.ok(pages > 1, 'the byte bound split the listing');
      assert.equal(new Set(seen).size, MESSAGES, 'every message listed exactly once');
    }
  });

  it('parallel listings of the largest page: /healthz keeps answering, memory stays bounded', async () => {
    const pid = svc.process.pid!;
    const rssBefore = rssMb(pid);
    const health = probeHealth(svc.httpUrl, 5);
    let bytes = 0;
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 8 }, async () => {
        const res = await fetch(`${svc.httpUrl}/api/inbox.php?${qs({ ...box, limit: 1000 })}`);
        assert.equal(res.status, 200);
        bytes += (await res.arrayBuffer()).byteLength;
      }));
    }
    const { max, count, failed } = await health.stop();
    const rssAfter = rssMb(pid);
    console.log(`# 40 listings, ${bytes} bytes in all; /healthz slowest ${max.toFixed(0)} ms over ${count} probes; RSS ${rssBefore} -> ${rssAfter} MB`);
    assert.ok(count > 0 && failed === 0, `/healthz answered ${count - failed} of ${count}`);
    assert.ok(bytes <= 40 * LIST_MAX_BYTES);
    // Unbounded, these 40 listings would serialise 40 x 16 x 200 KB: about 100 MB of JSON.
    if (rssBefore !== null && rssAfter !== null) assert.ok(rssAfter - rssBefore < 200, `RSS grew ${rssAfter - rssBefore} MB`);
  });

  it('the keyed inbox is bounded the same way', async () => {
    const key = await createKey(svc);
    const email = (await http(`${svc.httpUrl}/v1/generate_email.php?${qs({ key })}`)).body.email as string;
    const { raw } = hugeSubject(99, SUBJECT_CHARS);
    assert.equal((await deliver(svc.smtpPort, [email], raw)).code, 250);
    const res = await http(`${svc.httpUrl}/v1/inbox.php?${qs({ key, email })}`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body[0]).sort(), ['date_received', 'id', 'sender', 'sender_name', 'subject']);
    assert.ok(res.body[0].subject.length <= 998);
  });
});
