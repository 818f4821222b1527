/**
 * Caps on the header fields kept in a message's summary (what listings, events and webhooks
 * carry). A Subject of a megabyte would otherwise be decrypted and serialised on every inbox
 * call; the full header stays in the raw source (raw.php).
 */

/** Characters of a subject kept (RFC 5322's line limit; longer ones end with an ellipsis). */
export const MAX_SUBJECT_CHARS = 998;
/** Characters of a sender address kept (RFC 5321 allows 256 for a whole path). */
export const MAX_SENDER_CHARS = 320;

/** `text` cut to at most `max` characters, never inside a surrogate pair; a cut one ends with "…". */
export function capChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // a high surrogate without its low half
  return `${text.slice(0, end)}…`;
}

/** The summary's subject as stored and shown. */
export const capSubject = (subject: string): string => capChars(subject, MAX_SUBJECT_CHARS);

/** The summary's sender as stored and shown. */
export const capSender = (sender: string): string => capChars(sender, MAX_SENDER_CHARS);
