/**
 * OTP and confirmation-link extraction: pure functions, no I/O, linear-time
 * scanners with bounded input (see docs/extraction.md).
 *
 *  - html.ts, style.ts, entities.ts  HTML part -> text, style flags, anchors
 *  - keywords.ts    multilingual context words (lists in words.ts)
 *  - candidates.ts  code-shaped strings; otp.ts scores them
 *  - url.ts, link.ts  confirmation-link scoring
 *  - chars.ts       character classes (lookup tables)
 */
import * as Chars from './chars.js';
import * as Html from './html.js';
import * as Keywords from './keywords.js';
import * as Link from './link.js';
import * as Intent from './intent.js';
import * as Labels from './labels.js';
import type { OtpSource } from './otp.js';
import * as Otp from './otp.js';
import * as Words from './words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { normaliseDigits, normaliseText } = Chars;
const { htmlToDoc } = Html;
const { scanKeywords } = Keywords;
const { hasHttpAnchors, linkFromHtml, linkFromText } = Link;
const { profileMessage } = Intent;
const { resolveLabels } = Labels;
const { findOtp } = Otp;
const { CODE, DONE, NEGNUM, ONETIME } = Words;

export interface ExtractInput {
  subject: string;
  text: string | null;
  html: string | null;
  /**
   * Messages forwarded as attachments (message/rfc822), parsed: "Fwd: your sign-in code" carries
   * the code in the attached original. Read only for what the message itself does not show.
   */
  forwarded?: readonly ExtractInput[];
}

export interface Extraction {
  otp: string | null;
  confirmationLink: string | null;
}

/** Only the first 64 KB of the text part and 1 KB of the subject are read (the HTML cap is in html.ts). */
const MAX_TEXT = 64 * 1024;
const MAX_SUBJECT = 1024;
/** Context words are looked up in the first 128 KB of the HTML part's text. */
const MAX_DOC_TEXT = 128 * 1024;

/** At most this many forwarded originals are read. */
const MAX_FORWARDED = 2;

/** Finds the one-time code and the confirmation link a person would use. */
export function extract(input: ExtractInput): Extraction {
  try {
    const found = run(input);
    // the forwarding note is read first; the forwarded original fills in what the note lacks
    for (const original of (input.forwarded ?? []).slice(0, MAX_FORWARDED)) {
      if (found.otp !== null && found.confirmationLink !== null) break;
      const inner = run(original);
      found.otp ??= inner.otp;
      found.confirmationLink ??= inner.confirmationLink;
    }
    return found;
  } catch {
    // never let a pathological message break mail delivery
    return { otp: null, confirmationLink: null };
  }
}

function run(input: ExtractInput): Extraction {
  const subject = normaliseText(clip(input.subject ?? '', MAX_SUBJECT));
  const text = typeof input.text === 'string' && input.text.length > 0 ? normaliseText(clip(input.text, MAX_TEXT)) : null;
  const doc = typeof input.html === 'string' && input.html.length > 0 ? htmlToDoc(input.html) : null;
  // the HTML scanner noted whether there is anything to normalise: no second pass over its text
  if (doc?.foreignDigits) doc.text = normaliseDigits(doc.text);

  const subjectHits = scanKeywords(subject);
  const textHits = text !== null ? scanKeywords(text) : null;
  const docHits = doc ? scanKeywords(doc.text, MAX_DOC_TEXT) : null;
  resolveLabels(subject, subjectHits);
  if (textHits) resolveLabels(text as string, textHits);
  if (doc && docHits) resolveLabels(doc.text, docHits);

  let subjectHasCode = false;
  let subjectCats = 0;
  for (const c of subjectHits.cats) {
    if (c & (CODE | ONETIME) && !(c & NEGNUM)) subjectHasCode = true;
    subjectCats |= c;
  }

  const sources: OtpSource[] = [{ text: subject, hits: subjectHits, spans: null, subject: true }];
  if (doc && docHits) sources.push({ text: doc.text, hits: docHits, spans: doc.spans, subject: false });
  if (text !== null && textHits) sources.push({ text, hits: textHits, spans: null, subject: false });
  const profile = profileMessage(sources[0], sources.slice(1));
  const otp = findOtp(sources, { subjectHasCode, profile });

  let confirmationLink: string | null = null;
  const linkMsg = { subjectCats, commerce: profile.commerce };
  // "You're verified", "Ihr Konto wurde aktiviert": nothing is left to confirm
  if (subjectCats & DONE) return { otp, confirmationLink };
  if (doc && docHits && hasHttpAnchors(doc)) confirmationLink = linkFromHtml(doc, docHits, linkMsg);
  else if (text !== null && textHits) confirmationLink = linkFromText(text, textHits, MAX_TEXT, linkMsg);
  return { otp, confirmationLink };
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}
