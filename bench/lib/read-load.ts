/** HTTP read load with autocannon (programmatic API): requests/second of 2xx answers. */
import autocannon from 'autocannon';

export interface ReadResult {
  rps: number;
  p99ms: number;
  non2xx: number;
  errors: number;
}

export async function readLoad(url: string, seconds: number, connections = 10): Promise<ReadResult> {
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  const ok = r['2xx'] ?? 0;
  if (ok === 0) throw new Error(`no 2xx answers from ${new URL(url).pathname} (non2xx ${r.non2xx}, errors ${r.errors})`);
  return { rps: Math.round(ok / r.duration), p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}
