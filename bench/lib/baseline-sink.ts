/**
 * The ingest baseline: a bare smtp-server (same library and version, same options as the
 * service's SMTP ingress) that accepts every message and discards it. Runs as its own node
 * process, like the service. `node --import tsx bench/lib/baseline-sink.ts` prints "listening PORT".
 *
 * With `--parse` it is the other reference point, "smtp-server plus parsing alone":
 * each message is parsed with postal-mime as a library is used by default (on the event loop,
 * none of the service's fast paths) before the 250, and then discarded.
 */
import PostalMime from 'postal-mime';
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { BENCH_DIR, startHelper } from './util.js';

export function startSinkServer(port = 0, parse = false): Promise<number> {
  const server = new SMTPServer({
    name: 'mx.tempmail.local',
    banner: 'TempMail ESMTP',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: 25 * 1024 * 1024,
    maxClients: 5000,
    maxCommandLength: 4096,
    socketTimeout: 60_000,
    closeTimeout: 5000,
    logger: false,
    onRcptTo: (_address, _session, cb) => cb(),
    onData: (stream, _session, cb) => {
      // Buffer like the service does (it needs the whole message), then drop it.
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (!parse) return cb(null, '2.0.0 Ok: discarded');
        PostalMime.parse(raw).then(() => cb(null, '2.0.0 Ok: parsed and discarded'), (e: Error) => cb(e));
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const addr = server.server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Starts the sink (or, with `parse`, the parse-only reference) as a separate process. */
export function startSink(parse = false) {
  return startHelper(`${BENCH_DIR}/lib/baseline-sink.ts`, parse ? ['--parse'] : []);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startSinkServer(0, process.argv.includes('--parse')).then((port) => process.stdout.write(`listening ${port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}
