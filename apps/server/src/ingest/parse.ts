/**
 * MIME parsing with postal-mime (chosen over mailparser: built for untrusted input, bounded
 * nesting and header sizes, no stream machinery; see docs/design.md for the measurement).
 *
 * Limits (docs/limits.md): a message past the part count, nesting depth, header size or
 * attachment count, or one whose parse takes too long or too much memory, is kept raw: it is
 * stored with its original source, a subject and sender read cheaply from its first header
 * lines, and an explanatory plain-text body, so inbox, read and raw still work for it.
 *
 * Parsing runs in worker threads (TEMPMAIL_PARSE_WORKERS, default 1): postal-mime is
 * synchronous at heart (a 25 MB HTML part takes seconds), and on the main thread that would
 * stall every SMTP session and HTTP request meanwhile. A worker that overruns its time or heap
 * is terminated and replaced; only that message is affected.
 */
import { Worker } from 'node:worker_threads';
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import { htmlToText } from './html-to-text.js';

export interface ParseLimits {
  maxMimeDepth: number;
  maxHeaderBytes: number;
  maxMimeParts: number;
  /** 0 = no limit. */
  maxAttachments: number;
  /** Parser worker threads; 0 parses on the calling thread. Default 0 when absent. */
  parseWorkers?: number;
  /** Longest one parse may take in a worker before the message is kept raw. */
  parseTimeoutMs?: number;
  /** Heap limit of one worker, MB. */
  parseMemoryMb?: number;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
  content: Uint8Array;
}

export interface ParsedMail {
  /** Bare address of the From header, or null. */
  from: string | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Array<[string, string]>;
  /** Set when the message could not be parsed within the limits: it is kept raw only. */
  unparsed: string | null;
}

const MAX_HEADERS_KEPT = 200;
const MAX_HEADER_VALUE = 4096;
/** How much of a raw-only message is scanned for its Subject and From. */
const HEADER_PEEK_BYTES = 64 * 1024;

/**
 * Counts lines that open a MIME part ("--boundary", not the closing "--boundary--") with
 * indexOf only, stopping past `cap`: a message with 100,000 parts is refused in microseconds
 * instead of being parsed (postal-mime's cost grows faster than linearly with the part count).
 */
export function countParts(raw: Buffer, cap: number): number {
  let n = 0;
  let i = raw.indexOf('\n--');
  while (i !== -1 && n <= cap) {
    let end = raw.indexOf(0x0a, i + 3);
    if (end === -1) end = raw.length;
    let last = end - 1;
    while (last > i && (raw[last] === 0x0d || raw[last] === 0x20 || raw[last] === 0x09)) last--;
    const closing = last - 1 > i + 2 && raw[last] === 0x2d && raw[last - 1] === 0x2d;
    if (!closing) n++;
    i = raw.indexOf('\n--', end);
  }
  return n;
}

/** Subject and From of a message that is kept raw, from its first header lines only. */
function headerPeek(raw: Buffer): { subject: string; from: string | null } {
  const out = { subject: '', from: null as string | null };
  try {
    const head = raw.subarray(0, HEADER_PEEK_BYTES).toString('utf8');
    const blank = head.search(/\r?\n\r?\n/);
    const block = (blank === -1 ? head : head.slice(0, blank)).replace(/\r?\n[ \t]+/g, ' ');
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1, colon + 1 + 2000).trim();
      if (name === 'subject' && !out.subject) out.subject = decodeWords(value).slice(0, 998);
      else if (name === 'from' && !out.from) {
        const first = addressParser(value)[0] as { address?: string } | undefined;
        out.from = first?.address ? first.address.toLowerCase() : null;
      }
    }
  } catch {
    /* best effort: an unreadable header leaves subject and sender empty */
  }
  return out;
}

/** The stored form of a message that is not parsed: raw source, a peeked subject and an explanation. */
export function rawOnly(raw: Buffer, reason: string): ParsedMail {
  const { subject, from } = headerPeek(raw);
  return {
    from,
    subject,
    text: `TempMail did not display this message: ${reason}. `
      + 'Its original source is kept unchanged and can be downloaded with raw.php.',
    html: null,
    attachments: [],
    headers: [],
    unparsed: reason,
  };
}

/** Turns postal-mime's limit errors into a reason a reader understands. */
function reasonOf(e: unknown, limits: ParseLimits): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/nesting depth/i.test(message)) return `its MIME structure is nested deeper than ${limits.maxMimeDepth} levels`;
  if (/header size/i.test(message)) return `a header block is larger than ${limits.maxHeaderBytes} bytes`;
  return `it could not be parsed (${message.replace(/[\r\n]+/g, ' ').slice(0, 200)})`;
}

/** Parses on the calling thread; never throws: beyond the limits the message is kept raw with a reason. */
export async function parseMailInline(raw: Buffer, limits: ParseLimits): Promise<ParsedMail> {
  if (countParts(raw, limits.maxMimeParts) > limits.maxMimeParts) {
    return rawOnly(raw, `it has more than ${limits.maxMimeParts} MIME parts`);
  }
  let email;
  try {
    email = await PostalMime.parse(raw, {
      maxNestingDepth: limits.maxMimeDepth,
      maxHeadersSize: limits.maxHeaderBytes,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (e) {
    return rawOnly(raw, reasonOf(e, limits));
  }
  if (limits.maxAttachments > 0 && email.attachments.length > limits.maxAttachments) {
    return rawOnly(raw, `it has more than ${limits.maxAttachments} attachments`);
  }
  const from = email.from && 'address' in email.from && email.from.address ? email.from.address : null;
  const attachments = email.attachments.map((a) => ({
    filename: a.filename ?? '',
    contentType: a.mimeType || 'application/octet-stream',
    contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
    inline: a.disposition === 'inline' || Boolean(a.related),
    content: typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer),
  }));
  return {
    from: from ? from.toLowerCase() : null,
    subject: email.subject ?? '',
    text: email.text || (email.html ? htmlToText(email.html) : ''),
    html: email.html ?? null,
    attachments,
    headers: email.headers.slice(0, MAX_HEADERS_KEPT).map((h) => [h.key, h.value.slice(0, MAX_HEADER_VALUE)]),
    unparsed: null,
  };
}

/** Only the numbers cross to a worker (the pipeline's limits object also carries functions). */
const plainLimits = (l: ParseLimits): ParseLimits => ({
  maxMimeDepth: l.maxMimeDepth, maxHeaderBytes: l.maxHeaderBytes, maxMimeParts: l.maxMimeParts, maxAttachments: l.maxAttachments,
});

/** The worker's entry: dist/ingest/parse-worker.js, or (tests running the sources under tsx) the .ts file through tsx. */
function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./parse-worker.js', here);
  const code = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); register();`
    + `await import(${JSON.stringify(new URL('./parse-worker.ts', here).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

interface Job {
  raw: Buffer;
  limits: ParseLimits;
  resolve: (parsed: ParsedMail) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/** A small pool of parser workers; a job that overruns its time or heap kills only its worker. */
class ParserPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(private readonly size: number, private readonly timeoutMs: number, private readonly memoryMb: number) {}

  parse(raw: Buffer, limits: ParseLimits): Promise<ParsedMail> {
    if (this.closed) return parseMailInline(raw, limits);
    return new Promise((resolve) => {
      this.queue.push({ raw, limits: plainLimits(limits), resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.job === null);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(), { resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 64 } });
    worker.unref();
    const slot: Slot = { worker, job: null, timer: null };
    this.slots.add(slot);
    worker.on('message', (msg: { parsed: ParsedMail }) => {
      const job = slot.job;
      if (!job) return;
      this.finish(slot);
      job.resolve(msg.parsed);
      this.dispatch();
    });
    const failed = (why: string) => {
      const job = slot.job;
      this.finish(slot);
      this.slots.delete(slot);
      if (job) job.resolve(rawOnly(job.raw, why));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => failed(/memory/i.test(err.message) ? 'parsing it needed more memory than allowed' : 'the parser failed on it'));
    worker.on('exit', () => {
      if (this.slots.has(slot)) failed('the parser failed on it');
    });
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      const current = slot.job;
      this.finish(slot);
      this.slots.delete(slot);
      void slot.worker.terminate();
      if (current) current.resolve(rawOnly(current.raw, `parsing it took longer than ${this.timeoutMs} ms`));
      this.dispatch();
    }, this.timeoutMs);
    // One copy into a fresh ArrayBuffer that is then moved (not copied again) to the worker.
    const copy = new Uint8Array(job.raw.length);
    copy.set(job.raw);
    slot.worker.postMessage({ raw: copy.buffer, limits: job.limits }, [copy.buffer]);
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.queue.splice(0);
    for (const job of pending) job.resolve(await parseMailInline(job.raw, job.limits));
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
    this.slots.clear();
  }
}

let pool: ParserPool | null = null;

/**
 * Parses a raw message; never throws: beyond the limits the message is kept raw with a reason.
 * With `parseWorkers` > 0 the work happens in worker threads (one pool per process).
 */
export async function parseMail(raw: Buffer, limits: ParseLimits): Promise<ParsedMail> {
  const workers = limits.parseWorkers ?? 0;
  if (workers <= 0) return parseMailInline(raw, limits);
  pool ??= new ParserPool(workers, limits.parseTimeoutMs ?? 15_000, limits.parseMemoryMb ?? 512);
  return pool.parse(raw, limits);
}

/** Stops the parser workers (at shutdown); later parses run inline. */
export async function closeParser(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}
