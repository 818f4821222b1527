/**
 * Messages just under 1 MiB that cost a MIME parser 15-50 times a normal parse (issue 19): the
 * e2e test and the bench loop them from several senders while ordinary mail must get through.
 */

/** `depth` nested message/rfc822 levels (13,000: about 0.9 MB); the outermost has `subject`. */
export function nestedRfc822(depth: number, subject: string): Buffer {
  let s = 'From: inner@costly.example\r\nSubject: innermost\r\n\r\ninnermost\r\n';
  for (let i = 0; i < depth; i++) {
    const sub = i === depth - 1 ? subject : `level ${i}`;
    s = `From: Costly <costly@costly.example>\r\nSubject: ${sub}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n${s}`;
  }
  return Buffer.from(s);
}

/** A Subject folded over `lines` continuation lines of 800 bytes (1,150: about 0.9 MB). */
export function foldedSubject(lines: number, subject: string): Buffer {
  const folds = Array.from({ length: lines }, (_, i) => ` ${String(i).padStart(4, '0')}${'w'.repeat(795)}`).join('\r\n');
  return Buffer.from(`From: Costly <costly@costly.example>\r\nSubject: ${subject}\r\n${folds}\r\nMIME-Version: 1.0\r\n\r\nfolded\r\n`);
}
