/**
 * Big buffers handled a slice per event-loop turn. The service shares one event loop between
 * every SMTP session, HTTP request and WebSocket; a 20 MB message copied, serialised or sealed
 * in one call holds all of them for 10-40 ms. Between slices other work runs.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** About a millisecond of copying, encrypting or serialising. */
export const SLICE_BYTES = 1024 * 1024;

export { nextTurn };

/** Buffer.concat(chunks, total), copying about `sliceBytes` per event-loop turn when the total is bigger than that. */
export async function concatInSlices(chunks: Buffer[], total: number, sliceBytes = SLICE_BYTES): Promise<Buffer> {
  if (total <= sliceBytes) return Buffer.concat(chunks, total);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  let sinceTurn = 0;
  for (const chunk of chunks) {
    if (at >= total) break;
    const n = chunk.copy(out, at, 0, Math.min(chunk.length, total - at));
    at += n;
    sinceTurn += n;
    if (sinceTurn >= sliceBytes && at < total) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  if (at < total) out.fill(0, at); // as Buffer.concat does when the chunks are shorter than the total
  return out;
}
