/**
 * Background load of costly mail (issue 19): several senders, each from its own loopback
 * address, loop messages that cost the MIME parser 15-50 times a normal one, until stopped.
 */
import { foldedSubject, nestedRfc822 } from '../../apps/server/test/helpers/costly-mail.js';
import { RawSmtpClient } from './latency.js';

export const COSTLY_SENDERS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

/**
 * Starts the loops; `stop` ends them after their message in flight and says how many were
 * accepted. `smaller` (the smoke run) sends a quarter-size version of each kind: the same paths,
 * in less time.
 */
export function costlyLoad(port: number, to: string, smaller = false, senders = COSTLY_SENDERS): { started: Promise<void>; stop(): Promise<number> } {
  const size = smaller ? 0.25 : 1;
  const kinds = [
    nestedRfc822(Math.round(13_000 * size), 'costly: nested message/rfc822').toString('latin1'),
    foldedSubject(Math.round(1_150 * size), 'costly: folded subject').toString('latin1'),
  ];
  let running = true;
  let accepted = 0;
  let firstAccepted: () => void;
  const started = new Promise<void>((r) => { firstAccepted = r; });
  const loops = senders.map(async (address, n) => {
    const client = await RawSmtpClient.connect(port, address);
    try {
      for (let i = n; running; i++) {
        await client.send(to, kinds[i % kinds.length]!, 120_000);
        accepted++;
        firstAccepted();
      }
    } finally {
      client.close();
    }
  });
  return {
    started,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return accepted;
    },
  };
}
