/**
 * postal-mime reads a message line by line and awaits `processLine` for each one, an async
 * method, so every line of a message pays for a promise and its resumption even though nearly
 * every line is simply fed to the current MIME part. Installed in the parser processes only,
 * this hands such a line to the part directly and returns no promise; a line that may be a
 * boundary (it starts with "--" and the message has boundaries) or the final line still goes
 * through postal-mime's own method, so the output is the same (test/unit/parser/patch-line-loop.test.ts).
 */
import PostalMime from 'postal-mime';

interface LineState {
  boundaries: unknown[];
  currentNode: { feed(line: Uint8Array): unknown };
}

type ProcessLine = (this: LineState, line: Uint8Array, isFinal: boolean) => unknown;

/** Makes postal-mime's per-line step synchronous for plain lines in this process; false (nothing changed) when it is not found. */
export function installFastLineLoop(): boolean {
  const proto = (PostalMime as unknown as { prototype: Record<string, unknown> }).prototype;
  const own = proto.processLine as ProcessLine | undefined;
  if (typeof own !== 'function' || (own as { fastLineLoop?: true }).fastLineLoop) return typeof own === 'function';
  const processLine = function (this: LineState, line: Uint8Array, isFinal: boolean): unknown {
    if (isFinal || (this.boundaries.length > 0 && line.length > 2 && line[0] === 0x2d && line[1] === 0x2d)) return own.call(this, line, isFinal);
    this.currentNode.feed(line);
    return undefined;
  };
  (processLine as { fastLineLoop?: true }).fastLineLoop = true;
  proto.processLine = processLine;
  return true;
}
