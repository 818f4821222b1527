/**
 * A parser process (forked by pool.ts): parses one message per request, off the service's event
 * loop and out of its memory. Its limits come as its first argument; it ends when the service
 * goes away (its IPC channel closes).
 */
import { parseMail, prepare } from './parse-mail.js';
import { installPostalMimePatches } from './postal-mime-patches/index.js';
import { type ParserReply, type ParserRequest, RawCollector, limitsFromArg, ownUsage, sendPrepared, usageReporter } from './protocol.js';

if (!process.send) throw new Error('the parser child runs as a forked process only');

const limits = limitsFromArg(process.argv[2]);
for (const warning of await installPostalMimePatches(limits)) process.emitWarning(warning);

const incoming = new RawCollector();
const reply = (r: ParserReply) => process.send!(r);
const usageNow = usageReporter();

process.on('message', (request: ParserRequest) => {
  const job = incoming.take(request);
  if (!job) return;
  void parseMail(job.raw, limits)
    .then((parsed) => sendPrepared(reply, prepare(parsed, job.envelopeFrom), usageNow()))
    // this process's copy of the message: not left for the next jobs' garbage
    .finally(() => job.raw.fill(0));
});
process.on('disconnect', () => process.exit(0));
reply({ ready: true, usage: ownUsage() });
