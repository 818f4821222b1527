/**
 * The parser IPC protocol (ingest/parser/protocol.ts): a raw message and a prepared one cross
 * in slices and are put back together byte for byte, through a real child-process channel.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { SLICE_BYTES } from '../../../src/runtime/in-slices.js';
import {
  CPU_REPORT_MS, type ParserReply, type ParserRequest, RawCollector, joinPrepared, limitsArg, limitsFromArg, sendPrepared, sendRaw, usageReporter,
} from '../../../src/ingest/parser/protocol.js';
import type { PreparedMail } from '../../../src/ingest/parser/types.js';

const bytes = (n: number, seed: number) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 2654435761 + seed) >>> 24;
  return b;
};

/** A child that echoes every message it gets (IPC with serialization 'advanced', as the pool uses). */
const ECHO = "process.on('message', (m) => process.send(m)); process.on('disconnect', () => process.exit(0));";

async function throughChild<T>(send: (post: (m: unknown) => void) => Promise<void> | void, count: number): Promise<T[]> {
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  const got: T[] = [];
  const done = new Promise<void>((resolve) => child.on('message', (m) => { got.push(m as T); if (got.length === count) resolve(); }));
  await send((m) => child.send(m as never));
  await done;
  child.disconnect();
  return got;
}

test('limits cross as the child argument, numbers only', () => {
  const limits = { maxMimeDepth: 3, maxHeaderBytes: 4096, maxMimeParts: 10, maxAttachments: 0, maxHeaderFolds: 7, maxRfc822Depth: 2 };
  assert.deepEqual(limitsFromArg(limitsArg({ ...limits, workers: 2 } as typeof limits)), limits);
  assert.throws(() => limitsFromArg(undefined), /limits/);
});

test('a raw message of several slices crosses and is collected whole', async () => {
  const raw = bytes(2 * SLICE_BYTES + 12_345, 1);
  const requests: ParserRequest[] = [];
  await sendRaw((r) => requests.push(r), raw, 'from@example.com', async () => undefined, () => true);
  assert.equal(requests.length, 3);
  const echoed = await throughChild<ParserRequest>((post) => { for (const r of requests) post(r); }, requests.length);
  const collector = new RawCollector();
  const results = echoed.map((r) => collector.take(r));
  assert.deepEqual(results.slice(0, 2), [null, null]);
  assert.equal(results[2]!.envelopeFrom, 'from@example.com');
  assert.ok(results[2]!.raw.equals(raw));
});

test('sending stops when the job is no longer wanted', async () => {
  const requests: ParserRequest[] = [];
  await sendRaw((r) => requests.push(r), bytes(3 * SLICE_BYTES, 2), 'x@y', async () => undefined, () => false);
  assert.equal(requests.length, 1);
});

test('a prepared message with big buffers crosses in slices and is joined byte for byte', async () => {
  const prepared: PreparedMail = {
    from: 'a@b.c', fromName: null, subject: 's', unparsed: null, extraction: { otp: '123456', confirmationLink: null },
    body: bytes(SLICE_BYTES + 10, 3), attachments: [bytes(10, 4), bytes(2 * SLICE_BYTES + 1, 5)],
  };
  const replies: ParserReply[] = [];
  sendPrepared((r) => replies.push(r), prepared);
  assert.equal(replies.length, 1 + 2 + 1, 'one slice of the body, two of the big attachment, then the message');
  const echoed = await throughChild<ParserReply>((post) => { for (const r of replies) post(r); }, replies.length);
  const slices = echoed.filter((r): r is { part: Uint8Array } => 'part' in r).map((r) => r.part);
  const last = echoed.at(-1) as { prepared: PreparedMail; parts?: number[] };
  const joined = await joinPrepared(last, slices);
  assert.ok(Buffer.from(joined.body).equals(Buffer.from(prepared.body)));
  assert.equal(joined.attachments.length, 2);
  for (const [i, a] of joined.attachments.entries()) assert.ok(Buffer.from(a).equals(Buffer.from(prepared.attachments[i]!)), `attachment ${i}`);
  assert.equal(joined.extraction.otp, '123456');
});

test('a small prepared message is one reply', () => {
  const replies: ParserReply[] = [];
  sendPrepared((r) => replies.push(r), { from: null, fromName: null, subject: '', unparsed: null, extraction: { otp: null, confirmationLink: null }, body: bytes(100, 6), attachments: [] });
  assert.equal(replies.length, 1);
  assert.ok('prepared' in replies[0]!);
});

test('a small prepared message carries the CPU figure only when given one', () => {
  const replies: ParserReply[] = [];
  const prepared = { from: null, fromName: null, subject: '', unparsed: null, extraction: { otp: null, confirmationLink: null }, body: bytes(10, 7), attachments: [] };
  sendPrepared((r) => replies.push(r), prepared);
  sendPrepared((r) => replies.push(r), prepared, { cpuMs: 42, peakRssMb: 70 });
  assert.equal((replies[0] as { usage?: unknown }).usage, undefined);
  assert.deepEqual((replies[1] as { usage?: unknown }).usage, { cpuMs: 42, peakRssMb: 70 });
});

test('the usage reporter reads the CPU time and peak memory at most once per CPU_REPORT_MS', () => {
  let now = 1000;
  let reads = 0;
  const report = usageReporter(() => now, () => ({ cpuMs: ++reads * 10, peakRssMb: 60 }));
  assert.deepEqual(report(), { cpuMs: 10, peakRssMb: 60 }, 'the first job reports');
  now += CPU_REPORT_MS - 1;
  assert.equal(report(), undefined);
  now += 1;
  assert.equal(report()?.cpuMs, 20);
  assert.equal(reads, 2);
});
