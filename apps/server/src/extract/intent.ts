/**
 * What the message as a whole is about, from its context words: a purchase, booking, delivery,
 * promotion or event ("commerce"), and whether it frames a code the way security mail does
 * (don't share it, it expires in minutes, it is single-use, the subject says "your code").
 *
 * A receipt's "Auth Code", a booking's "confirmation code", a webinar passcode, a gift card PIN
 * or a promo code sit in commerce mail that never warns about sharing the code or says it expires
 * in minutes; a transfer-approval code sits in commerce mail that does. The OTP scorer uses this
 * to demand more than a plain code word in commerce mail (see otp.ts).
 */
import * as Labels from './labels.js';
import type { Hits } from './keywords.js';
import * as Words from './words.js';

// The imports as module-local consts: V8 re-reads an imported binding from its module cell, and
// checks it, at every use in an optimised loop; a module's own const is a constant to it
// (docs/extraction.md, "Speed").
const { isStrongQualifier } = Labels;
const { ACTIVATE, CODE, EXPIRE, LOGIN, NEGNUM, ONETIME, SECURITY, STRONG, TIMEUNIT, TXN, VERIFY, WARN } = Words;

export interface MessageProfile {
  /** The message is about an order, a booking, a delivery, a payment, a promotion or an event. */
  commerce: boolean;
  /** The message frames a code as a security step (see the file comment). */
  codeIntent: boolean;
}

/** A text with its keyword hits (subject or body part). */
export interface ProfiledText {
  text: string;
  hits: Hits;
}

/** Commerce words needed (a subject's count twice) before a message counts as commerce. */
const COMMERCE_MIN = 2;
/** How far from "valid for" / "expires" a "10 minutes" may stand. */
const EXPIRY_REACH = 48;

/** Profiles a message from its subject and its body texts. */
export function profileMessage(subject: ProfiledText, bodies: readonly ProfiledText[]): MessageProfile {
  let commerce = 0;
  let subjectCommerce = false;
  let subjectCode = false;
  let subjectStrongCode = false;
  let codeIntent = false;
  for (const c of subject.hits.cats) {
    if (c & TXN) {
      commerce += 2;
      subjectCommerce = true;
    }
    if (c & (CODE | LOGIN | SECURITY) && !(c & NEGNUM)) subjectCode = true;
    if (isStrongQualifier(c) && !(c & NEGNUM)) subjectCode = true;
    if (c & CODE && c & STRONG && !(c & NEGNUM)) subjectStrongCode = true;
    // "Please confirm your e-mail address": a verification subject without a code word
    if (c & (VERIFY | ACTIVATE | ONETIME | SECURITY) && isStrongQualifier(c) && !(c & (NEGNUM | TXN))) subjectStrongCode = true;
    if (c & (WARN | ONETIME)) codeIntent = true;
  }
  if (shortExpiry(subject)) codeIntent = true;
  // the text and HTML parts usually say the same thing: count the part that says most
  let bodyCommerce = 0;
  for (const body of bodies) {
    let inPart = 0;
    for (const c of body.hits.cats) {
      if (c & TXN) inPart++;
      if (c & WARN || (c & ONETIME && !(c & NEGNUM))) codeIntent = true;
    }
    bodyCommerce = Math.max(bodyCommerce, inPart);
    if (!codeIntent && shortExpiry(body)) codeIntent = true;
  }
  const isCommerce = commerce + bodyCommerce >= COMMERCE_MIN;
  // "Your code" in the subject frames a security step, unless the mail is a sale or a booking
  // ("Your code SAVE20NOW expires at midnight")
  if (subjectCode && !subjectCommerce && !isCommerce) codeIntent = true;
  // "Your e-mail verification code" in the subject says so whatever the footer sells (a coupon, the
  // last order's status): only a code word qualified as verification, sign-in or security counts
  if (subjectStrongCode && !subjectCommerce) codeIntent = true;
  return { commerce: isCommerce, codeIntent };
}

/** "expires in 10 minutes", "valid for 15 Minuten", "10分钟内有效": a number and a time unit next to an expiry word. */
function shortExpiry({ text, hits }: ProfiledText): boolean {
  const { start, end, cats } = hits;
  for (let k = 0; k < cats.length; k++) {
    if (!(cats[k] & TIMEUNIT) || !numberBefore(text, start[k])) continue;
    for (let j = k - 1; j >= 0 && start[k] - end[j] <= EXPIRY_REACH; j--) if (cats[j] & EXPIRE) return true;
    for (let j = k + 1; j < cats.length && start[j] - end[k] <= EXPIRY_REACH; j++) if (cats[j] & EXPIRE) return true;
  }
  return false;
}

/** A digit right before `pos`, allowing one space ("10 minutes", "10分钟"). */
function numberBefore(text: string, pos: number): boolean {
  let k = pos - 1;
  if (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 0xa0)) k--;
  const c = k >= 0 ? text.charCodeAt(k) : 0;
  return c >= 48 && c <= 57;
}
