/**
 * MIME parsing with postal-mime (chosen over mailparser: built for untrusted input, bounded
 * nesting and header sizes, no stream machinery; see docs/design.md for the measurement).
 *
 * Limits (docs/limits.md): a message past the part count, nesting depth, header size or
 * attachment count, or one whose parse takes too long or too much memory, is kept raw: it is
 * stored with its original source, a subject and sender read cheaply from its first header
 * lines, and an explanatory plain-text body, so inbox, read and raw still work for it.
 *
 * Parsing runs in separate parser processes (TEMPMAIL_PARSE_WORKERS per lane, default 1;
 * messages up to 1 MiB and bigger ones have a lane each): postal-mime is synchronous at heart
 * (a 25 MB HTML part takes about a second, a crafted 20 MB one 7 s and 2 GB),
 * and on the main thread that would stall every SMTP session and HTTP request. A process that
 * overruns TEMPMAIL_PARSE_TIMEOUT_MS or TEMPMAIL_PARSE_MEMORY_MB is killed and replaced; only
 * that message is affected (kept raw).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import type { MessageBodyPlain } from '../domain/types.js';
import { SLICE_BYTES, concatInSlices, nextTurn } from '../runtime/in-slices.js';
import { type Extraction, extract } from '../extract/index.js';
import { htmlToText } from './html-to-text.js';

export interface ParseLimits {
  maxMimeDepth: number;
  maxHeaderBytes: number;
  maxMimeParts: number;
  /** 0 = no limit. */
  maxAttachments: number;
  /** Parser processes per lane; 0 parses on the calling thread. Default 0 when absent. */
  parseWorkers?: number;
  /** Longest one parse may take before its process is killed and the message kept raw. */
  parseTimeoutMs?: number;
  /** Memory (heap limit, and resident memory on Linux) of one parser process, MB. */
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
  /** Display name of the From header ("GitHub" in `GitHub <noreply@github.com>`), or null. */
  fromName: string | null;
  subject: string;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Array<[string, string]>;
  /** Set when the message could not be parsed within the limits: it is kept raw only. */
  unparsed: string | null;
  /**
   * The code and link found in it. Extraction runs right after parsing, in the same parser
   * process, so neither CPU-heavy step sits on the event loop.
   */
  extraction: Extraction;
}

/**
 * What ingest stores from a parsed message, ready to seal: the summary fields, and the stored
 * body (MessageBodyPlain) already as UTF-8 JSON bytes. The parser processes return this rather
 * than the ParsedMail, so its text and HTML cross to the service as one buffer and the event
 * loop neither rebuilds them as strings nor serialises them again.
 */
export interface PreparedMail {
  from: string | null;
  fromName: string | null;
  subject: string;
  unparsed: string | null;
  extraction: Extraction;
  /** UTF-8 JSON of the MessageBodyPlain to store. */
  body: Uint8Array;
  /** Attachment contents, in the order of the body's attachment list. */
  attachments: Uint8Array[];
}

/** The stored form of a parsed message (envelopeFrom is the SMTP MAIL FROM, kept with the body). */
export function prepare(parsed: ParsedMail, envelopeFrom: string): PreparedMail {
  const body: MessageBodyPlain = {
    text: parsed.text,
    html: parsed.html,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, size: a.content.byteLength, contentId: a.contentId, inline: a.inline,
    })),
    headers: parsed.headers,
    envelopeFrom,
  };
  return {
    from: parsed.from,
    fromName: parsed.fromName,
    subject: parsed.subject,
    unparsed: parsed.unparsed,
    extraction: parsed.extraction,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    attachments: parsed.attachments.map((a) => a.content),
  };
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

/** A From display name, trimmed and bounded; null when there is none. */
function displayName(name: string | undefined): string | null {
  const trimmed = (name ?? '').replace(/\s+/g, ' ').trim().slice(0, 256);
  return trimmed || null;
}

/** Subject and From of a message that is kept raw, from its first header lines only. */
function headerPeek(raw: Buffer): { subject: string; from: string | null; fromName: string | null } {
  const out = { subject: '', from: null as string | null, fromName: null as string | null };
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
        const first = addressParser(value)[0] as { address?: string; name?: string } | undefined;
        out.from = first?.address ? first.address.toLowerCase() : null;
        out.fromName = displayName(first?.name);
      }
    }
  } catch {
    /* best effort: an unreadable header leaves subject and sender empty */
  }
  return out;
}

/** The stored form of a message that is not parsed: raw source, a peeked subject and an explanation. */
export function rawOnly(raw: Buffer, reason: string): ParsedMail {
  const { subject, from, fromName } = headerPeek(raw);
  return {
    from,
    fromName,
    subject,
    text: `TempMail did not display this message: ${reason}. `
      + 'Its original source is kept unchanged and can be downloaded with raw.php.',
    html: null,
    attachments: [],
    headers: [],
    unparsed: reason,
    extraction: { otp: null, confirmationLink: null },
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
  const fromName = displayName(email.from?.name);
  const attachments = email.attachments.map((a) => ({
    filename: a.filename ?? '',
    contentType: a.mimeType || 'application/octet-stream',
    contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
    inline: a.disposition === 'inline' || Boolean(a.related),
    content: typeof a.content === 'string' ? Buffer.from(a.content) : new Uint8Array(a.content as ArrayBuffer),
  }));
  const subject = email.subject ?? '';
  const html = email.html ?? null;
  const text = email.text || (html ? htmlToText(html) : '');
  return {
    from: from ? from.toLowerCase() : null,
    fromName,
    subject,
    text,
    html,
    attachments,
    headers: email.headers.slice(0, MAX_HEADERS_KEPT).map((h) => [h.key, h.value.slice(0, MAX_HEADER_VALUE)]),
    unparsed: null,
    extraction: extract({ subject, text, html }),
  };
}

/** Only the numbers cross to a parser process (the pipeline's limits object also carries functions). */
const plainLimits = (l: ParseLimits): ParseLimits => ({
  maxMimeDepth: l.maxMimeDepth, maxHeaderBytes: l.maxHeaderBytes, maxMimeParts: l.maxMimeParts, maxAttachments: l.maxAttachments,
});

/** The parser process's entry and Node flags: dist/ingest/parse-worker.js, or (tests on the sources) the .ts file through tsx. */
function childEntry(memoryMb: number): { entry: string; execArgv: string[] } {
  const heap = `--max-old-space-size=${memoryMb}`;
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: fileURLToPath(new URL('./parse-worker.js', here)), execArgv: [heap] };
  return { entry: fileURLToPath(new URL('./parse-worker.ts', here)), execArgv: [heap, '--import', import.meta.resolve('tsx')] };
}

/** Resident memory of a process in MB (Linux /proc), or null where that cannot be read. */
function residentMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface Job {
  raw: Buffer;
  envelopeFrom: string;
  limits: ParseLimits;
  resolve: (prepared: PreparedMail) => void;
}

interface Slot {
  child: ChildProcess;
  /** True once the process has loaded the parser (its start-up does not count against a job's time). */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  /** Why we killed it, when we did. */
  killedFor: string | null;
  /** Slices of the current job's answer that came ahead of it. */
  slices: Uint8Array[];
}

const MEMORY_POLL_MS = 200;

/**
 * What the service sends a parser process: the leading slices of a big message (`rawPart`),
 * then the job with the rest (or all) of it.
 */
export type ParserRequest = { rawPart: Uint8Array } | { raw: Uint8Array; envelopeFrom: string; limits: ParseLimits };

/**
 * What a parser process answers: the leading slices of the prepared message's big buffers
 * (`part`: the body's first, then each attachment's), then the message with the rest of each
 * buffer and, in `parts`, how many slices of each came ahead of it.
 */
export type ParserReply = { ready: true } | { part: Uint8Array } | { prepared: PreparedMail; parts?: number[] };

/** The parser process's side: sends `prepared`, its big buffers in slices. */
export function sendPrepared(send: (reply: ParserReply) => void, prepared: PreparedMail): void {
  const buffers = [prepared.body, ...prepared.attachments];
  if (buffers.every((b) => b.byteLength <= SLICE_BYTES)) return send({ prepared });
  const parts: number[] = [];
  const tails = buffers.map((b) => {
    let from = 0;
    for (; b.byteLength - from > SLICE_BYTES; from += SLICE_BYTES) send({ part: b.subarray(from, from + SLICE_BYTES) });
    parts.push(from / SLICE_BYTES);
    return b.subarray(from);
  });
  send({ prepared: { ...prepared, body: tails[0], attachments: tails.slice(1) }, parts });
}

/** A Buffer over the same bytes (what arrives through IPC is a plain Uint8Array). */
export const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** The service's side: the prepared message from its slices, joined a slice per event-loop turn. */
async function joinPrepared(reply: { prepared: PreparedMail; parts?: number[] }, slices: Uint8Array[]): Promise<PreparedMail> {
  const { prepared, parts } = reply;
  if (!parts) return prepared;
  let next = 0;
  const join = (tail: Uint8Array, count: number) => {
    const pieces = [...slices.slice(next, next + count), tail].map(asBuffer);
    next += count;
    return concatInSlices(pieces, pieces.reduce((n, p) => n + p.length, 0));
  };
  const body = await join(prepared.body, parts[0] ?? 0);
  const attachments: Uint8Array[] = [];
  for (const [i, tail] of prepared.attachments.entries()) attachments.push(await join(tail, parts[i + 1] ?? 0));
  return { ...prepared, body, attachments };
}

/**
 * A few parser processes. A process, not a worker thread: V8 cannot always stop a thread that
 * runs out of heap and then aborts the whole process, and a crafted message of a few MB can make
 * postal-mime allocate hundreds of MB. A job that overruns its time or memory (heap limit,
 * and resident memory polled from /proc on Linux) is killed with its process; only that
 * message is affected (kept raw) and the next job gets a fresh process.
 */
class ParserPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly memoryPoll: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly size: number, private readonly timeoutMs: number, private readonly memoryMb: number) {
    this.memoryPoll = setInterval(() => this.checkMemory(), MEMORY_POLL_MS);
    this.memoryPoll.unref();
  }

  prepare(raw: Buffer, envelopeFrom: string, limits: ParseLimits): Promise<PreparedMail> {
    if (this.closed) return Promise.resolve(prepare(rawOnly(raw, 'the service was shutting down when it arrived'), envelopeFrom));
    return new Promise((resolve) => {
      this.queue.push({ raw, envelopeFrom, limits: plainLimits(limits), resolve });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => s.job === null);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const { entry, execArgv } = childEntry(this.memoryMb);
    const child = fork(entry, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const slot: Slot = { child, ready: false, job: null, timer: null, killedFor: null, slices: [] };
    this.slots.add(slot);
    this.idle(slot);
    child.on('message', (msg: ParserReply) => {
      if ('ready' in msg) {
        slot.ready = true;
        if (slot.job) this.start(slot, slot.job);
        return;
      }
      const job = slot.job;
      if (!job) return;
      if ('part' in msg) {
        slot.slices.push(msg.part);
        return;
      }
      const slices = slot.slices;
      this.finish(slot);
      this.dispatch();
      void joinPrepared(msg, slices).then(job.resolve);
    });
    child.on('error', () => this.gone(slot, 'the parser failed on it'));
    child.on('exit', (code, signal) => {
      const oom = signal === 'SIGABRT' || code === 134;
      this.gone(slot, slot.killedFor ?? (oom ? 'parsing it needed more memory than allowed' : 'the parser failed on it'));
    });
    return slot;
  }

  /** A process ended (or failed to start): its job, if any, is kept raw; the next job gets a new one. */
  private gone(slot: Slot, why: string): void {
    if (!this.slots.delete(slot)) return;
    const job = slot.job;
    this.finish(slot);
    if (job) job.resolve(prepare(rawOnly(job.raw, why), job.envelopeFrom));
    this.dispatch();
  }

  private kill(slot: Slot, why: string): void {
    if (slot.killedFor) return;
    slot.killedFor = why;
    slot.child.kill('SIGKILL');
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.child.ref();
    (slot.child.channel as { ref?: () => void } | undefined)?.ref?.();
    if (slot.ready) this.start(slot, job); // else once it says it is ready
  }

  private start(slot: Slot, job: Job): void {
    slot.timer = setTimeout(() => this.kill(slot, `parsing it took longer than ${this.timeoutMs} ms`), this.timeoutMs);
    void this.send(slot, job);
  }

  /**
   * Hands the message to the process. A big one goes in slices, one per event-loop turn:
   * serialising 20 MB for the pipe in one call holds the event loop for 15-20 ms.
   */
  private async send(slot: Slot, job: Job): Promise<void> {
    const failed = (err: Error | null) => {
      if (err) this.kill(slot, 'the parser failed on it');
    };
    let from = 0;
    for (; job.raw.length - from > SLICE_BYTES; from += SLICE_BYTES) {
      const part: ParserRequest = { rawPart: job.raw.subarray(from, from + SLICE_BYTES) };
      slot.child.send(part, failed);
      await nextTurn();
      if (slot.job !== job || slot.killedFor) return; // it was killed meanwhile
    }
    const last: ParserRequest = { raw: job.raw.subarray(from), envelopeFrom: job.envelopeFrom, limits: job.limits };
    slot.child.send(last, failed);
  }

  private checkMemory(): void {
    for (const slot of this.slots) {
      if (!slot.job || !slot.child.pid) continue;
      const mb = residentMb(slot.child.pid);
      if (mb !== null && mb > this.memoryMb) this.kill(slot, 'parsing it needed more memory than allowed');
    }
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.slices = [];
    this.idle(slot);
  }

  /** An idle parser process does not keep the service alive. */
  private idle(slot: Slot): void {
    slot.child.unref();
    (slot.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /** Starts a parser process ahead of the first message. */
  warm(): void {
    if (this.slots.size === 0 && !this.closed) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.memoryPoll);
    for (const job of this.queue.splice(0)) job.resolve(prepare(rawOnly(job.raw, 'the service was shutting down when it arrived'), job.envelopeFrom));
    const exits = [...this.slots].map((s) => new Promise<void>((r) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return r();
      s.child.once('exit', () => r());
      this.kill(s, 'the service was shutting down when it arrived');
    }));
    await Promise.all(exits);
  }
}

/** Messages up to this size are parsed apart from bigger ones, so a flood of big mail cannot hold up the usual small one. */
const SMALL_MESSAGE = 1024 * 1024;
let pools: { small: ParserPool; large: ParserPool } | null = null;

function poolsFor(limits: ParseLimits): { small: ParserPool; large: ParserPool } | null {
  const workers = limits.parseWorkers ?? 0;
  if (workers <= 0) return null;
  pools ??= {
    small: new ParserPool(workers, limits.parseTimeoutMs ?? 20_000, limits.parseMemoryMb ?? 1024),
    large: new ParserPool(workers, limits.parseTimeoutMs ?? 20_000, limits.parseMemoryMb ?? 1024),
  };
  return pools;
}

/**
 * Parses and extracts a raw message and returns what ingest stores; never throws. With
 * `parseWorkers` > 0 the work happens in parser processes: that many for messages up to 1 MiB
 * and as many again for bigger ones.
 */
export async function prepareMail(raw: Buffer, envelopeFrom: string, limits: ParseLimits): Promise<PreparedMail> {
  const lanes = poolsFor(limits);
  if (!lanes) return prepare(await parseMailInline(raw, limits), envelopeFrom);
  return (raw.length <= SMALL_MESSAGE ? lanes.small : lanes.large).prepare(raw, envelopeFrom, limits);
}

/** Starts the parser processes ahead of the first message (at service start). */
export function startParser(limits: ParseLimits): void {
  const lanes = poolsFor(limits);
  lanes?.small.warm();
  lanes?.large.warm();
}

/** Stops the parser processes (at shutdown); later parses run inline. */
export async function closeParser(): Promise<void> {
  const p = pools;
  pools = null;
  await Promise.all([p?.small.close(), p?.large.close()]);
}
