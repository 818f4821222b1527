/**
 * A few parser processes. A process, not a worker thread: V8 cannot always stop a thread that
 * runs out of heap and then aborts the whole process, and a crafted message of a few MB can make
 * postal-mime allocate hundreds of MB. A job that overruns its time or memory is killed with its
 * process; only that message is affected (kept raw) and the next job gets a fresh process.
 *
 * Memory is the V8 heap limit, and resident memory beyond the process's start-up footprint:
 * polled from /proc (Linux) to stop a runaway job early, and judged exactly from the peak the
 * process reports after any job that took CPU_REPORT_MS or more, so a parse that outgrew the
 * limit between two polls is still kept raw. A process whose peak passed the limit is ended,
 * so the peak it reports next is always the current job's.
 *
 * Time is the process's CPU time where /proc can tell it (Linux), so a parse that merely waits
 * for a CPU on a busy machine (or in the low-priority costly lane) is neither moved nor cut off;
 * wall time stands in elsewhere, and as a backstop at WALL_BACKSTOP times the limit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nextTurn } from '../../runtime/in-slices.js';
import { prepare } from './parse-mail.js';
import { FairQueue } from './fair-queue.js';
import { type ParserReply, joinPrepared, limitsArg, sendRaw } from './protocol.js';
import { rawOnly } from './raw-only.js';
import type { ParseLimits, PreparedMail } from './types.js';
import type { ParserKill } from '../../metrics/metrics.js';

export interface PoolOptions {
  /** Most processes at once. */
  size: number;
  timeoutMs: number;
  /** Memory one parse may use, MB (see the top of this file). */
  memoryMb: number;
  limits: ParseLimits;
  /** Scheduling priority of its processes (os.setPriority: 0 normal, 19 lowest). */
  niceness?: number;
  /** A process that has parsed mail is replaced once idle past this age, ms (unset: kept). */
  maxAgeMs?: number;
  /**
   * Time after which a job is taken away from this pool (its process killed) and handed to
   * `overBudget` instead of being waited for; unset: only `timeoutMs` applies.
   */
  budgetMs?: number | ((job: Job) => number);
  overBudget?: (job: Job) => void;
  /**
   * A parse that has used this share of its budget (e.g. 0.25) goes on at `demoteTo`
   * niceness until it ends or the budget does: a message that turns out costly spends at most
   * that share at this pool's priority, whatever made it costly. Its process gets its priority
   * back when the job ends (or, where raising it again is not permitted, is replaced).
   */
  demoteAt?: number;
  demoteTo?: number;
  /** Told each time a process is killed or dies with a job (metrics, logs). */
  onKill?: (reason: ParserKill, why: string) => void;
}

/** One message to parse; `source` (the sending client) is what the queue takes turns between. */
export interface Job {
  raw: Buffer;
  envelopeFrom: string;
  source: string;
  resolve: (prepared: PreparedMail) => void;
}

interface Slot {
  child: ChildProcess;
  /** True once the process has loaded the parser (its start-up does not count against a job's time). */
  ready: boolean;
  job: Job | null;
  /** Why we killed it, when we did (OVER_BUDGET: its job goes on elsewhere). */
  killedFor: string | null;
  /** The same, as a metric label. */
  killKind: ParserKill | null;
  /** When the current job was handed over (wall ms). */
  startedAt: number;
  /**
   * The process's CPU ms as it last reported it (when ready, and with each answer): an idle
   * process uses next to none, so this is its CPU time when the next job starts. It reports
   * it itself because reading /proc costs 20-130 µs, too much for every message.
   */
  cpuReported: number | null;
  /** That figure when the current job started. */
  cpuAtStart: number | null;
  /** Its peak resident memory when it said it was ready (MB): its start-up footprint. */
  startupRssMb: number;
  /** Slices of the current job's answer that came ahead of it. */
  slices: Uint8Array[];
  /** When it was started (wall ms) and whether it has parsed any mail since (a fresh one holds none). */
  bornAt: number;
  used: boolean;
  /** Running its job at `demoteTo` niceness (see PoolOptions.demoteAt). */
  demoted: boolean;
}

/** How often running jobs' time is checked; memory every MEMORY_EVERY checks (reading /proc costs ~20 µs). */
const CHECK_MS = 50;
const MEMORY_EVERY = 4;
/** Wall time, as a multiple of the time limit, after which a job is cut off whatever its CPU time. */
const WALL_BACKSTOP = 10;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const SHUTTING_DOWN = 'the service was shutting down when it arrived';
const TOO_MUCH_MEMORY = 'parsing it needed more memory than allowed';
const OVER_BUDGET = 'over budget';

/**
 * The parser process's entry and Node flags: dist/ingest/parser/child.js, or (tests on the sources)
 * the .ts file through tsx. A service started with --cpu-prof has its parser processes profiled too.
 */
function childEntry(memoryMb: number): { entry: string; execArgv: string[] } {
  const heap = [`--max-old-space-size=${memoryMb}`, ...process.execArgv.filter((a) => a.startsWith('--cpu-prof'))];
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: fileURLToPath(new URL('./child.js', here)), execArgv: heap };
  return { entry: fileURLToPath(new URL('./child.ts', here)), execArgv: [...heap, '--import', import.meta.resolve('tsx')] };
}

/** CPU time (user + system) a process has used, in ms (Linux /proc), or null where that cannot be read. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
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

/** The stored form of a message a parser process could not prepare. */
const keptRaw = (job: Job, why: string): PreparedMail => prepare(rawOnly(job.raw, why), job.envelopeFrom);

export class ParserPool {
  private readonly slots = new Set<Slot>();
  private readonly queue = new FairQueue<Job>();
  private readonly watch: NodeJS.Timeout;
  private checks = 0;
  private closed = false;
  /** Parses that went on at the lower priority (tests, metrics). */
  demotions = 0;

  constructor(private readonly options: PoolOptions) {
    this.watch = setInterval(() => this.check(), CHECK_MS);
    this.watch.unref();
  }

  /** Parses, extracts and prepares one message in a parser process; never rejects. */
  prepare(raw: Buffer, envelopeFrom: string, source: string): Promise<PreparedMail> {
    return new Promise((resolve) => this.enqueue({ raw, envelopeFrom, source, resolve }));
  }

  /** Queues a job (in its source's turn); it resolves when done, kept raw if it cannot be parsed. */
  enqueue(job: Job): void {
    if (this.closed) return job.resolve(keptRaw(job, SHUTTING_DOWN));
    this.queue.push(job.source, job);
    this.dispatch();
  }

  /** Messages queued or being parsed. */
  get depth(): number {
    let busy = 0;
    for (const slot of this.slots) if (slot.job) busy++;
    return this.queue.length + busy;
  }

  /** Starts a parser process ahead of the first message. */
  warm(): void {
    if (this.slots.size === 0 && !this.closed) this.spawn();
  }

  /** Kills the processes; queued messages are kept raw. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    for (const job of this.queue.drain()) job.resolve(keptRaw(job, SHUTTING_DOWN));
    const exits = [...this.slots].map((s) => new Promise<void>((r) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return r();
      s.child.once('exit', () => r());
      s.child.ref(); // an idle process is unref'd: waiting for its exit must keep this process alive
      // An idle process ends by itself when its channel closes (and writes its --cpu-prof profile).
      if (!s.job && s.child.connected) s.child.disconnect();
      else this.kill(s, SHUTTING_DOWN, 'shutdown');
    }));
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => s.job === null);
      if (!slot) {
        if (this.slots.size >= this.options.size) return;
        slot = this.spawn();
      }
      this.run(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const { entry, execArgv } = childEntry(this.options.memoryMb);
    const child = fork(entry, [limitsArg(this.options.limits)], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const slot: Slot = {
      child, ready: false, job: null, startedAt: 0, cpuReported: null, cpuAtStart: null, startupRssMb: 0, killedFor: null, killKind: null, slices: [], bornAt: performance.now(), used: false, demoted: false,
    };
    if (this.options.niceness && child.pid) {
      try {
        setPriority(child.pid, this.options.niceness);
      } catch {
        /* not permitted here: the lane still separates the work, only without the lower priority */
      }
    }
    this.slots.add(slot);
    this.idle(slot);
    child.on('message', (msg: ParserReply) => this.onReply(slot, msg));
    child.on('error', () => this.gone(slot, 'the parser failed on it'));
    child.on('exit', (code, signal) => {
      const oom = signal === 'SIGABRT' || code === 134;
      this.gone(slot, slot.killedFor ?? (oom ? TOO_MUCH_MEMORY : 'the parser failed on it'));
    });
    return slot;
  }

  private onReply(slot: Slot, msg: ParserReply): void {
    if ('ready' in msg) {
      slot.ready = true;
      slot.cpuReported = msg.usage.cpuMs;
      slot.startupRssMb = msg.usage.peakRssMb;
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
    if (msg.usage) {
      slot.cpuReported = msg.usage.cpuMs;
      if (this.overMemory(slot, msg.usage.peakRssMb)) {
        // Its answer is not used: the message is kept raw, as if the poll had caught it.
        this.kill(slot, TOO_MUCH_MEMORY, 'memory');
        return;
      }
    }
    this.finish(slot);
    if (slot.demoted) this.restorePriority(slot);
    this.dispatch();
    void joinPrepared(msg, slices).then(job.resolve);
  }

  /** A process ended (or failed to start): its job, if any, is kept raw; the next job gets a new one. */
  private gone(slot: Slot, why: string): void {
    if (!this.slots.delete(slot)) return;
    const job = slot.job;
    this.finish(slot);
    // A process that died with a job without our kill (out of heap, a crash) counts as killed too.
    if (job) this.options.onKill?.(slot.killKind ?? (why.includes('memory') ? 'memory' : 'failed'), why);
    if (job && why === OVER_BUDGET && this.options.overBudget) this.options.overBudget(job);
    else if (job) job.resolve(keptRaw(job, why));
    this.dispatch();
  }

  private kill(slot: Slot, why: string, kind: ParserKill): void {
    if (slot.killedFor) return;
    slot.killedFor = why;
    slot.killKind = kind;
    slot.child.kill('SIGKILL');
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.used = true;
    slot.child.ref();
    (slot.child.channel as { ref?: () => void } | undefined)?.ref?.();
    if (slot.ready) this.start(slot, job); // else once it says it is ready
  }

  private start(slot: Slot, job: Job): void {
    slot.startedAt = performance.now();
    slot.cpuAtStart = slot.cpuReported;
    const failed = (err: Error | null) => {
      if (err) this.kill(slot, 'the parser failed on it', 'failed');
    };
    void sendRaw((request) => slot.child.send(request, failed), job.raw, job.envelopeFrom, nextTurn, () => slot.job === job && !slot.killedFor);
  }

  /** Stops jobs past their time (the budget: moved on; the limit: kept raw) or memory. */
  private check(): void {
    const { timeoutMs } = this.options;
    const memoryToo = ++this.checks % MEMORY_EVERY === 0;
    for (const slot of this.slots) {
      if (this.retireIfOld(slot)) continue;
      const pid = slot.child.pid;
      if (!slot.job || !slot.ready || !pid || slot.killedFor) continue;
      const wall = performance.now() - slot.startedAt;
      const budget = this.options.budgetMs;
      const budgetMs = typeof budget === 'function' ? budget(slot.job) : budget;
      // A parse this young cannot have used its limit (or its demotion share) yet, even with V8's
      // helper threads: its CPU time is not read for the usual message, done in a few ms.
      const demoteMs = budgetMs !== undefined && this.options.demoteAt !== undefined ? budgetMs * this.options.demoteAt : undefined;
      if (wall >= Math.min(budgetMs ?? timeoutMs, timeoutMs, demoteMs ?? timeoutMs) / 4) {
        const now = slot.cpuAtStart === null ? null : cpuMs(pid);
        const used = now === null || slot.cpuAtStart === null ? wall : now - slot.cpuAtStart;
        if (used >= timeoutMs || wall >= timeoutMs * WALL_BACKSTOP) {
          this.kill(slot, `parsing it took longer than ${timeoutMs} ms`, 'timeout');
          continue;
        }
        if (budgetMs !== undefined && used >= budgetMs) {
          this.kill(slot, OVER_BUDGET, 'over_budget');
          continue;
        }
        if (demoteMs !== undefined && !slot.demoted && used >= demoteMs) this.demote(slot, pid);
      }
      if (memoryToo) {
        const mb = residentMb(pid);
        if (mb !== null && this.overMemory(slot, mb)) this.kill(slot, TOO_MUCH_MEMORY, 'memory');
      }
    }
  }

  private demote(slot: Slot, pid: number): void {
    try {
      setPriority(pid, this.options.demoteTo ?? 19);
      slot.demoted = true;
      this.demotions++;
    } catch {
      /* not permitted: it runs on at its priority until the budget ends it */
    }
  }

  /** After a demoted job: its priority back, or (raising a priority again needs CAP_SYS_NICE) a new process. */
  private restorePriority(slot: Slot): void {
    slot.demoted = false;
    try {
      setPriority(slot.child.pid!, this.options.niceness ?? 0);
    } catch {
      this.retire(slot);
    }
  }

  /** Whether a process's resident memory (now, or its peak) has grown past the limit since it started. */
  private overMemory(slot: Slot, residentMb: number): boolean {
    return residentMb - slot.startupRssMb > this.options.memoryMb;
  }

  private finish(slot: Slot): void {
    slot.cpuAtStart = null;
    slot.job = null;
    slot.slices = [];
    this.idle(slot);
    this.retireIfOld(slot);
  }

  /**
   * Ends an idle process that has parsed mail and is past maxAgeMs (its channel closes, it exits):
   * the strings and buffers of the messages it parsed go with its memory. The next job gets a
   * fresh process; the last one is replaced at once so that a message need not wait for one.
   */
  private retireIfOld(slot: Slot): boolean {
    const { maxAgeMs } = this.options;
    if (maxAgeMs === undefined || !this.slots.has(slot) || slot.job || !slot.used || slot.killedFor || performance.now() - slot.bornAt < maxAgeMs) return false;
    this.retire(slot);
    return true;
  }

  /** Ends an idle process (its channel closes, it exits); the last one is replaced at once. */
  private retire(slot: Slot): void {
    if (!this.slots.delete(slot)) return;
    if (slot.child.connected) slot.child.disconnect();
    else slot.child.kill('SIGKILL');
    if (this.slots.size === 0 && !this.closed) this.spawn();
  }

  /** An idle parser process does not keep the service alive. */
  private idle(slot: Slot): void {
    slot.child.unref();
    (slot.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }
}
