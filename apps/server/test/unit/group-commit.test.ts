/**
 * Group commit (adapters/sqlite/group-commit.ts) with big items: a big item is committed alone,
 * small items never share a commit with one, and the two kinds take turns so neither starves.
 * The writer is a stand-in that records batches and commits when the test says so.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommitter } from '../../src/adapters/sqlite/group-commit.js';

/** A writer whose commits complete one at a time, when `release` is called. */
function controlledWriter() {
  const batches: string[][] = [];
  const pending: Array<() => void> = [];
  let wake: (() => void) | null = null;
  const write = (items: string[]) => new Promise<void>((resolve) => {
    batches.push(items);
    pending.push(resolve);
    wake?.();
  });
  const nextBatch = async () => {
    while (pending.length === 0) await new Promise<void>((r) => { wake = r; });
    wake = null;
  };
  const release = async () => {
    await nextBatch();
    pending.shift()!();
  };
  return { batches, write, release, nextBatch };
}

test('big items commit alone, in turns with batches of small ones', async () => {
  const w = controlledWriter();
  const committer = new GroupCommitter<string>(w.write, { isBig: (s) => s.startsWith('BIG') });
  const done: string[] = [];
  const submit = (s: string) => committer.submit(s).then(() => done.push(s));
  const all = [submit('s1')];
  await w.nextBatch(); // s1 in flight
  all.push(submit('BIG1'), submit('s2'), submit('BIG2'), submit('s3'), submit('s4'));
  for (let i = 0; i < 4; i++) await w.release();
  await Promise.all(all);
  assert.deepEqual(w.batches, [['s1'], ['BIG1'], ['s2', 's3', 's4'], ['BIG2']]);
  for (const batch of w.batches) assert.ok(batch.length === 1 || batch.every((s) => !s.startsWith('BIG')), `mixed batch ${batch}`);
  assert.equal(done.length, 6);
});

test('a small item waits at most one big commit, however many big ones are queued', async () => {
  const w = controlledWriter();
  const committer = new GroupCommitter<string>(w.write, { isBig: (s) => s.startsWith('BIG') });
  const all = [committer.submit('BIG1')];
  await w.nextBatch();
  all.push(committer.submit('BIG2'), committer.submit('BIG3'), committer.submit('small'));
  for (let i = 0; i < 4; i++) await w.release();
  await Promise.all(all);
  assert.deepEqual(w.batches, [['BIG1'], ['small'], ['BIG2'], ['BIG3']]);
});

test('without isBig everything waiting goes in one batch, as before', async () => {
  const w = controlledWriter();
  const committer = new GroupCommitter<string>(w.write);
  const all = [committer.submit('a')];
  await w.nextBatch();
  all.push(committer.submit('BIG'), committer.submit('b'));
  for (let i = 0; i < 2; i++) await w.release();
  await Promise.all(all);
  assert.deepEqual(w.batches, [['a'], ['BIG', 'b']]);
});

test('when a big and a small item arrive together, the small one is committed first', async () => {
  const w = controlledWriter();
  const committer = new GroupCommitter<string>(w.write, { isBig: (s) => s.startsWith('BIG') });
  const all = [committer.submit('BIG'), committer.submit('small')];
  for (let i = 0; i < 2; i++) await w.release();
  await Promise.all(all);
  assert.deepEqual(w.batches, [['small'], ['BIG']]);
});
