/**
 * The messages between the service and a parser process (IPC with `serialization: 'advanced'`,
 * so buffers cross as bytes). Big buffers cross in slices of SLICE_BYTES, one per event-loop turn
 * on the service's side: serialising 20 MB for the pipe in one call holds the event loop for
 * 15-20 ms.
 */
import { SLICE_BYTES, concatInSlices } from '../../runtime/in-slices.js';
import type { ParseLimits, PreparedMail } from './types.js';

/**
 * What the service sends a parser process: the leading slices of a big message (`rawPart`),
 * then the job with the rest (or all) of it.
 */
export type ParserRequest = { rawPart: Uint8Array } | { raw: Uint8Array; envelopeFrom: string };

/**
 * What a parser process answers: `ready` once it has loaded, then per job the leading slices of
 * the prepared message's big buffers (`part`: the body's first, then each attachment's), then
 * the message with the rest of each buffer and, in `parts`, how many slices of each came ahead.
 * `usage` is the process's CPU time so far (all its threads) and its peak resident memory: the
 * pool's starting point for the next job's CPU time, and what it judges a job's memory by,
 * without reading /proc for every message. It comes at most every CPU_REPORT_MS of wall time
 * (see usageReporter), so always after a job that took that long.
 */
export type ParserReply =
  | { ready: true; usage: ProcessUsage }
  | { part: Uint8Array }
  | { prepared: PreparedMail; parts?: number[]; usage?: ProcessUsage };

export interface ProcessUsage {
  /** CPU time used so far, ms. */
  cpuMs: number;
  /** The most resident memory the process has had so far, MB (getrusage's maxrss). */
  peakRssMb: number;
}

/** This process's CPU time and peak resident memory so far (one getrusage call). */
export const ownUsage = (): ProcessUsage => {
  const u = process.resourceUsage();
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakRssMb: u.maxRSS / 1024 };
};

/**
 * How often (wall ms) a parser process reports its usage. getrusage over all threads costs
 * 25-30 µs, a tenth of the process's own work on an ordinary message. A CPU figure up to this
 * old counts the jobs since then against the next one: at most about this many ms of CPU per
 * thread, against a budget of hundreds. A job that takes this long always ends with a report,
 * since the last one came before it started.
 */
export const CPU_REPORT_MS = 20;

/** A parser process's reporter: its usage when CPU_REPORT_MS have passed since the last figure, else undefined. */
export function usageReporter(now: () => number = () => performance.now(), usage: () => ProcessUsage = ownUsage): () => ProcessUsage | undefined {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < CPU_REPORT_MS) return undefined;
    last = t;
    return usage();
  };
}

/** The limits a parser process works with, given once as its command-line argument. */
export const limitsArg = (limits: ParseLimits): string => JSON.stringify({
  maxMimeDepth: limits.maxMimeDepth, maxHeaderBytes: limits.maxHeaderBytes,
  maxMimeParts: limits.maxMimeParts, maxAttachments: limits.maxAttachments,
  maxHeaderFolds: limits.maxHeaderFolds, maxRfc822Depth: limits.maxRfc822Depth,
} satisfies ParseLimits);

/** The limits from a parser process's command-line argument. */
export const limitsFromArg = (arg: string | undefined): ParseLimits => {
  if (!arg) throw new Error('the parser process needs its limits as its first argument');
  return JSON.parse(arg) as ParseLimits;
};

/** A Buffer over the same bytes (what arrives through IPC is a plain Uint8Array). */
export const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** The service's side: sends a raw message, its leading slices first; stops early when `stillWanted` turns false. */
export async function sendRaw(
  send: (request: ParserRequest) => void, raw: Buffer, envelopeFrom: string, nextTurn: () => Promise<unknown>, stillWanted: () => boolean,
): Promise<void> {
  let from = 0;
  for (; raw.length - from > SLICE_BYTES; from += SLICE_BYTES) {
    send({ rawPart: raw.subarray(from, from + SLICE_BYTES) });
    await nextTurn();
    if (!stillWanted()) return;
  }
  send({ raw: raw.subarray(from), envelopeFrom });
}

/** The parser process's side: collects a raw message from its slices; returns it once whole. */
export class RawCollector {
  private parts: Buffer[] = [];

  /** Takes one request; returns the whole message and its envelope sender when it is complete. */
  take(request: ParserRequest): { raw: Buffer; envelopeFrom: string } | null {
    if ('rawPart' in request) {
      this.parts.push(asBuffer(request.rawPart));
      return null;
    }
    let raw = asBuffer(request.raw);
    if (this.parts.length > 0) {
      raw = Buffer.concat([...this.parts, raw]);
      this.parts = [];
    }
    return { raw, envelopeFrom: request.envelopeFrom };
  }
}

/** The parser process's side: sends `prepared`, its big buffers in slices, and its usage so far when given. */
export function sendPrepared(send: (reply: ParserReply) => void, prepared: PreparedMail, usage?: ProcessUsage): void {
  const buffers = [prepared.body, ...prepared.attachments];
  if (buffers.every((b) => b.byteLength <= SLICE_BYTES)) return send(usage === undefined ? { prepared } : { prepared, usage });
  const parts: number[] = [];
  const tails = buffers.map((b) => {
    let from = 0;
    for (; b.byteLength - from > SLICE_BYTES; from += SLICE_BYTES) send({ part: b.subarray(from, from + SLICE_BYTES) });
    parts.push(from / SLICE_BYTES);
    return b.subarray(from);
  });
  send({ prepared: { ...prepared, body: tails[0]!, attachments: tails.slice(1) }, parts, ...(usage === undefined ? {} : { usage }) });
}

/** The service's side: the prepared message from its slices, joined a slice per event-loop turn. */
export async function joinPrepared(reply: { prepared: PreparedMail; parts?: number[] }, slices: Uint8Array[]): Promise<PreparedMail> {
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
