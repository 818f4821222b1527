/**
 * Where a small message's end of data -> 250 goes while costly mail loops (issue 19): 400 small
 * messages sent one after another, idle, then while four senders loop costly mail
 * (lib/costly-load.ts), then idle again; each message's `timings` (parsed, stored) read back from
 * read.php. Prints p50 / p99 of the reply, the parse, the commit (stored - parsed) and stored.
 * Alternate it with a baseline build to compare (BENCH_SERVER_CLI, as in the bench).
 *
 *   npm run build && node --import tsx bench/costly-breakdown.ts [messages=400]
 *   BENCH_SERVER_CLI=/path/to/baseline/apps/server/dist/cli.js node --import tsx bench/costly-breakdown.ts
 */
import { costlyLoad } from './lib/costly-load.js';
import { latencyMessage, RawSmtpClient } from './lib/latency.js';
import { generateMailbox, qs, startService } from './lib/service.js';
import { percentile, round } from './lib/util.js';

const messages = Number(process.argv[2] ?? 400);
const svc = await startService();

interface Sample { reply: number; parsed: number; stored: number }

async function phase(name: string): Promise<void> {
  const box = await generateMailbox(svc);
  const client = await RawSmtpClient.connect(svc.smtpPort);
  const sent: Array<{ id: string; reply: number }> = [];
  try {
    for (let i = 0; i < messages; i++) {
      const { at, sentAt, id } = await client.send(box.email, latencyMessage(box.email, i));
      sent.push({ id, reply: at - sentAt });
    }
  } finally {
    client.close();
  }
  const samples: Sample[] = [];
  for (const { id, reply } of sent) {
    const res = await fetch(`${svc.httpUrl}/api/read.php?${qs({ email: box.email, token: box.token, id })}`);
    const { timings } = (await res.json()) as { timings: { parsed: number; stored: number } };
    samples.push({ reply, parsed: timings.parsed, stored: timings.stored });
  }
  const p = (values: number[]) => `${round(percentile(values, 50))} / ${round(percentile(values, 99))}`;
  console.log(`${name}: p50 / p99 ms: reply ${p(samples.map((s) => s.reply))}, parse ${p(samples.map((s) => s.parsed))}, `
    + `commit ${p(samples.map((s) => s.stored - s.parsed))}, stored ${p(samples.map((s) => s.stored))}`);
}

try {
  await phase('idle');
  const load = costlyLoad(svc.smtpPort, (await generateMailbox(svc)).email);
  await load.started;
  try {
    await phase('while 4 senders loop costly mail');
  } finally {
    console.log(`(${await load.stop()} costly messages accepted)`);
  }
  await phase('idle again');
} finally {
  await svc.stop();
}
