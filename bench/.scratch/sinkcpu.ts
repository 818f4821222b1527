import { startSink } from '../lib/baseline-sink.js';
import { smtpLoad } from '../lib/smtp-load.js';
const sink = await startSink();
for (const body of [4096, '/tmp/benchtry/sample.eml']) {
  for (let i = 0; i < 2; i++) {
    const t = await smtpLoad(sink.port, 'x@localhost', 3000, body, 16, 300, sink.child.pid!);
    console.log(body, t.msgPerSec, JSON.stringify(t.cpuMsPerMsg));
  }
}
await sink.stop();
process.exit(0);
