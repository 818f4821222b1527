/** HTTP read load with autocannon (programmatic API): requests/second of 2xx answers. */
import autocannon from 'autocannon';
import { cpuTimes } from './util.js';

export interface ReadResult {
  rps: number;
  p99ms: number;
  non2xx: number;
  errors: number;
  /** Server CPU per answered request, ms (when its pid was given; autocannon shares the machine). */
  cpuMsPerReq?: number;
}

export async function readLoad(url: string, seconds: number, connections = 10, serverPid?: number): Promise<ReadResult> {
  const c0 = serverPid ? cpuTimes(serverPid) : null;
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  const c1 = serverPid ? cpuTimes(serverPid) : null;
  const ok = r['2xx'] ?? 0;
  if (ok === 0) throw new Error(`no 2xx answers from ${new URL(url).pathname} (non2xx ${r.non2xx}, errors ${r.errors})`);
  const cpuMsPerReq = c0 && c1 ? Math.round(((c1.totalMs - c0.totalMs) / ok) * 1000) / 1000 : undefined;
  return { rps: Math.round(ok / r.duration), p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, cpuMsPerReq };
}
