#!/usr/bin/env node
/**
 * Ends what an earlier test run left running: processes of ours whose environment carries the
 * test owner mark (TEMPMAIL_TEST_OWNER_PID, set by apps/server/test/helpers/tied-child.ts)
 * while that owner no longer exists. Tied children end with their owner on their own; this
 * catches the rest (a run from before the tie, a program started without setpriv, a preload
 * that could not run). Safe beside other live runs: a live owner's children are never touched.
 * Run by scripts/test.sh before the tests; prints one line per process it ends.
 */
import { readdirSync, readFileSync } from 'node:fs';

const MARK = 'TEMPMAIL_TEST_OWNER_PID=';
const uid = process.getuid?.();

/** pid -> [owner pid, state, command] for every process of ours that carries the mark. */
function markedProcesses() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      if (uid !== undefined && Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      const mark = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').find((v) => v.startsWith(MARK));
      if (!mark) continue;
      const state = /^State:\s+(\S)/m.exec(status)?.[1] ?? '?';
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim().slice(0, 160);
      found.push({ pid: Number(name), owner: Number(mark.slice(MARK.length)), state, cmd });
    } catch { /* gone meanwhile, or not ours to read */ }
  }
  return found;
}

/** True while `pid` exists and is not a zombie. */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const orphans = markedProcesses().filter((p) => p.state !== 'Z' && !alive(p.owner));
for (const p of orphans) {
  console.log(`reap-test-orphans: ending pid ${p.pid} (owner ${p.owner} is gone): ${p.cmd}`);
  try {
    process.kill(p.pid, 'SIGCONT'); // a frozen one (fault tests stop processes) cannot act on SIGTERM
    process.kill(p.pid, 'SIGTERM');
  } catch { /* gone meanwhile */ }
}
if (orphans.length > 0) {
  // Ten seconds to close gracefully, then no more chances.
  const deadline = Date.now() + 10_000;
  const left = () => orphans.filter((p) => alive(p.pid));
  while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const p of left()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
}
