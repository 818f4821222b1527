/**
 * The ingest baseline: a bare smtp-server (same library and version, same options as the
 * service's SMTP ingress) that accepts every message and discards it. Runs as its own node
 * process, like the service. `node --import tsx bench/lib/baseline-sink.ts` prints "listening PORT".
 */
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { BENCH_DIR, startHelper } from './util.js';

export function startSinkServer(port = 0): Promise<number> {
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
        Buffer.concat(chunks);
        cb(null, '2.0.0 Ok: discarded');
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

/** Starts the sink as a separate process. */
export function startSink() {
  return startHelper(`${BENCH_DIR}/lib/baseline-sink.ts`, []);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startSinkServer().then((port) => process.stdout.write(`listening ${port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}
