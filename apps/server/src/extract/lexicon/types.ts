/**
 * One language's context words, by concept. The extractor turns each concept into a category
 * bit (see ../words.ts); a word listed under two concepts carries both.
 *
 * Entry syntax: `word` matches the whole word, `stem*` any word starting with the stem,
 * `two words` a phrase (the gap may be a space, hyphen or apostrophe). Matching ignores case
 * and diacritics (`é` = `e`, `ź` = `z`), and the longest entry wins, so a phrase ("promo
 * code") or a longer stem ("activit*" over "activ*") overrides its parts. In scripts written
 * without spaces (Chinese, Japanese, Thai) every entry matches anywhere inside the run.
 */
export interface Lexicon {
  /** Nouns that name a code to type: code, PIN, passcode, código, код, 验证码. */
  code?: readonly string[];
  /** Nouns that name an identifier: number, Nr., numéro, номер, 番号. A "number" is not a code unless qualified as one. */
  number?: readonly string[];
  /** verify / validate / authenticate: evidence of verification on its own. */
  verify?: readonly string[];
  /** confirm / authorise / approve: verification words that also describe orders and card payments. */
  confirm?: readonly string[];
  /**
   * Qualifiers that also name physical or paid access ("access code": a door, a kiosk, a
   * streaming pass): a code under them is a weak label, like a confirmation code.
   */
  ambiguous?: readonly string[];
  /** activate an account. */
  activate?: readonly string[];
  /** sign in / log in. */
  login?: readonly string[];
  /** one-time / single-use / two-factor. */
  onetime?: readonly string[];
  /** security / safety. */
  security?: readonly string[];
  /** What one does with a code: enter, type, copy, use. */
  enter?: readonly string[];
  /** magic (sign-in) link, passwordless. */
  magic?: readonly string[];
  /** expires / valid for. */
  expire?: readonly string[];
  /** click / tap / button / link / below. */
  click?: readonly string[];
  /** subscribe / sign me up (double opt-in). */
  subscribe?: readonly string[];
  /** Labels of numbers that are not codes and not commerce: phone, ZIP, street, user ID, version, year. */
  otherNumber?: readonly string[];
  /**
   * Places and pickups a code opens: door, gate, building, parcel locker, parking, pickup. Such a code is
   * a physical key, never a one-time code; it counts as commerce (bookings and deliveries carry them).
   */
  place?: readonly string[];
  /** Commerce and bookings, as labels and as topic: order, invoice, ticket, booking, promo, gift card, delivery. */
  commerce?: readonly string[];
  /** Topic words of commerce and events that are not labels: shop, checkout, sale, webinar, meeting, flight. */
  topic?: readonly string[];
  /** Links that are never confirmations: unsubscribe, privacy, help, reset password, activity, "not me". */
  linkNeg?: readonly string[];
  /** Weakly negative link words: open, visit, shop, view, details. */
  linkWeak?: readonly string[];
  /** A security warning around a code: don't share it, you didn't request it, ignore this mail. */
  warn?: readonly string[];
  /** Something already done: already verified, has been confirmed, is now active. */
  done?: readonly string[];
  /** Approval in a link's text: yes, it was me. */
  yes?: readonly string[];
  /** Units of time, for "valid for 10 minutes". */
  time?: readonly string[];
  /** Exact words that must not fall into a shorter stem ("pinned" vs "pin"); never reported. */
  neutral?: readonly string[];
}
