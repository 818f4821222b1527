/** Worker thread body of writer-thread.ts: owns a second connection and commits message batches on it. */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { messageItemsWriter, type PendingWrite } from './message-writer.js';

if (!parentPort) throw new Error('writer-worker runs as a worker thread only');
const port = parentPort;
// The main connection has created and migrated the file already: no migrations here.
const db = openDatabase((workerData as { file: string }).file, [], 'wal');
const write = messageItemsWriter(db);

type Request = { kind: 'write'; seq: number; items: PendingWrite[] } | { kind: 'close' };

port.on('message', (req: Request) => {
  if (req.kind === 'close') {
    db.close();
    port.postMessage({ kind: 'closed' });
    port.close();
    return;
  }
  port.postMessage({ kind: 'done', seq: req.seq, failures: write(req.items) });
});
