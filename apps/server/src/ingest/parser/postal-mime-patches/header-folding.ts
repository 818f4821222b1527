/**
 * Linear header unfolding for postal-mime, and a limit on the continuation lines of one header
 * field (TEMPMAIL_MAX_HEADER_FOLDS), installed in the parser processes only.
 *
 * postal-mime's MimeNode#processHeaders merges folded lines walking backwards:
 * `lines[i - 1] += '\n' + lines[i]`, after testing `/^\s/` on the line, which flattens the
 * string built so far. A field folded over n lines therefore copies O(n²) bytes: a Subject
 * folded over 1,150 lines of 800 bytes (a 0.9 MB message) took about 2 s, a hundred such lines
 * 2 ms. This merges the same lines forwards in one pass (each group joined once with '\n', the
 * same strings postal-mime builds) before postal-mime's own method runs, which then finds
 * nothing left to merge. A field with more continuation lines than the limit throws, and the
 * message is kept raw (parse-mail.ts names the reason).
 */
import { postalMimePrototype } from './patch-decoder.js';

interface HeaderState {
  headerLines: string[];
}

type ProcessHeaders = (this: HeaderState) => unknown;

/** The error message of a field past the limit (parse-mail.ts turns it into the reason shown). */
export const TOO_MANY_FOLDS = 'header field folded over more than';

/** Merges folded lines as postal-mime's first pass does; throws past `maxFolds` continuation lines in one field. */
export function unfold(lines: string[], maxFolds: number): string[] {
  const out: string[] = [];
  let group: string[] = [];
  const close = () => {
    if (group.length > maxFolds + 1) throw new Error(`${TOO_MANY_FOLDS} ${maxFolds} lines`);
    if (group.length > 0) out.push(group.length === 1 ? group[0]! : group.join('\n'));
  };
  for (const [i, line] of lines.entries()) {
    if (i > 0 && /^\s/.test(line)) {
      group.push(line);
      continue;
    }
    close();
    group = [line];
  }
  close();
  return out;
}

/** The limit in force in this process (the last install's). */
let maxFoldsHere = Infinity;

/**
 * Makes postal-mime's header unfolding linear and bounded by `maxFolds` in this process (a later
 * call only changes the bound); false (nothing changed) when it is not found.
 */
export async function installHeaderFolding(maxFolds: number): Promise<boolean> {
  const proto = await postalMimePrototype('mime-node.js', ['processHeaders']);
  if (!proto) return false;
  maxFoldsHere = maxFolds;
  const own = proto.processHeaders as ProcessHeaders & { linearUnfold?: true };
  if (own.linearUnfold) return true;
  const processHeaders = function (this: HeaderState): unknown {
    this.headerLines = unfold(this.headerLines, maxFoldsHere);
    return own.call(this);
  };
  (processHeaders as { linearUnfold?: true }).linearUnfold = true;
  proto.processHeaders = processHeaders;
  return true;
}
