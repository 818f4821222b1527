/**
 * The parser component as ingest uses it (ingest/parser/index.ts and pool.ts): real parser
 * processes, built from options once. A message is prepared in a child process, byte for byte;
 * a parse past its time is cut off and that message alone kept raw; closing keeps queued
 * messages raw instead of losing them.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { MessageBodyPlain } from '../../../src/domain/types.js';
import { type MimeParser, type ParserOptions, createMimeParser } from '../../../src/ingest/parser/index.js';
import { rangeBytes } from '../../../src/domain/raw-range.js';
import type { PreparedMail } from '../../../src/ingest/parser/types.js';
import { childPids } from '../../helpers/process-memory.js';

const OPTIONS: ParserOptions = { maxMimeDepth: 32, maxHeaderBytes: 1024 * 1024, maxMimeParts: 1000, maxAttachments: 200, maxHeaderFolds: 200, maxRfc822Depth: 3,
  workers: 1, timeoutMs: 20_000, memoryMb: 256, budgetMs: 20_000, costlySenderMs: 0,
};
const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

const binary = Buffer.alloc(300_000);
for (let i = 0; i < binary.length; i++) binary[i] = (i * 2654435761) >>> 24;
const withAttachment = crlf([
  'From: a@x.test', 'Subject: with attachment', 'Content-Type: multipart/mixed; boundary="m"', '',
  '--m', 'Content-Type: text/plain', '', 'Your code is 975310',
  '--m', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="b.bin"', 'Content-Transfer-Encoding: base64', '',
  binary.toString('base64').replace(/.{76}/g, '$&\r\n'), '--m--', '',
]);
/**
 * The 300 KB base64 attachment is prepared as its range of the raw source (raw-ranges.ts): no
 * bytes of its own, and the range decodes to exactly the attachment.
 */
function assertStoredOnce(prepared: PreparedMail): void {
  const meta = (JSON.parse(Buffer.from(prepared.body).toString()) as MessageBodyPlain).attachments[0]!;
  assert.equal(meta.size, binary.length);
  assert.equal(prepared.attachments[0]!.byteLength, 0);
  assert.ok(meta.rawRange, 'stored as a range of the raw source');
  assert.ok(rangeBytes(withAttachment, meta.rawRange).equals(binary), 'the range reads back byte for byte');
}
/** Slow for postal-mime: a few MB of tiny HTML paragraphs. */
const slow = () => Buffer.from(`Subject: slow\r\nContent-Type: text/html\r\n\r\n${'<p>a</p>'.repeat(3_000_000)}\r\n`);

describe('createMimeParser with parser processes', () => {
  const parsers: MimeParser[] = [];
  const make = (o: Partial<ParserOptions> = {}) => {
    const p = createMimeParser({ ...OPTIONS, ...o });
    parsers.push(p);
    return p;
  };
  after(async () => { await Promise.all(parsers.map((p) => p.close())); });

  it('prepares a message in a child process: extraction, body, attachment byte for byte', async () => {
    const parser = make();
    parser.start();
    const prepared = await parser.prepare(withAttachment, 'env@x.test');
    assert.equal(prepared.unparsed, null);
    assert.equal(prepared.subject, 'with attachment');
    assert.equal(prepared.extraction.otp, '975310');
    assertStoredOnce(prepared);
  });

  it('a parse past the time limit is cut off and kept raw; the next message parses normally', async () => {
    // The parser process is stopped (SIGSTOP) while it holds the first message, so that parse
    // outlasts any limit on any machine: a stopped process uses no CPU, and the pool's wall-clock
    // backstop (ten times the limit) cuts it off. How fast a real slow parse is does not matter.
    const others = new Set(childPids(process.pid));
    const parser = make({ timeoutMs: 1000 });
    parser.start();
    assert.equal((await parser.prepare(Buffer.from('Subject: warm\r\n\r\nready\r\n'), 'e@x')).subject, 'warm');
    // its own processes (one per lane it started): all of them stopped, so the one that takes the message holds it
    const mine = childPids(process.pid).filter((pid) => !others.has(pid));
    assert.ok(mine.length >= 1, 'parser processes of its own');
    // stopped before the message is sent: stopped after, a quick parse could finish first on a busy machine
    for (const pid of mine) process.kill(pid, 'SIGSTOP');
    const cutting = parser.prepare(Buffer.from('Subject: slow\r\n\r\nheld\r\n'), 'e@x');
    let cut, next;
    try {
      [cut, next] = await Promise.all([cutting, parser.prepare(Buffer.from('Subject: quick\r\n\r\nYour code is 246801\r\n'), 'e@x')]);
    } finally {
      for (const pid of mine) {
        try {
          process.kill(pid, 'SIGCONT'); // the one that held the message is already gone
        } catch {
          // gone, as expected
        }
      }
    }
    assert.match(cut.unparsed ?? '', /took longer than 1000 ms/);
    assert.equal(cut.subject, 'slow');
    assert.equal(next.unparsed, null);
    assert.equal(next.extraction.otp, '246801');
  });

  it('closing keeps what is still queued raw, and later messages too', async () => {
    const parser = make();
    const queued = [parser.prepare(slow(), 'e@x'), parser.prepare(withAttachment, 'e@x')];
    await parser.close();
    for (const p of await Promise.all(queued)) assert.match(p.unparsed ?? '', /shutting down/);
    assert.match((await parser.prepare(withAttachment, 'e@x')).unparsed ?? '', /shutting down/);
  });

  it('with no processes (workers 0) it parses on the calling thread', async () => {
    assertStoredOnce(await make({ workers: 0 }).prepare(withAttachment, 'e@x'));
  });
});
