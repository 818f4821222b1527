/**
 * OTP and confirmation-link extraction: pure functions, no I/O.
 * (First simple version; the extraction issue replaces the internals.)
 */
export interface ExtractInput {
  subject: string;
  text: string | null;
  html: string | null;
}

export interface Extraction {
  otp: string | null;
  confirmationLink: string | null;
}

/** Finds the one-time code and the confirmation link a person would use. */
export function extract(input: ExtractInput): Extraction {
  const hay = `${input.subject}\n${input.text ?? ''}`;
  const m = /(?:code|otp|pin)\D{0,20}?\b(\d{4,8})\b/i.exec(hay);
  const link = /href\s*=\s*["']([^"']*(?:verify|confirm|activate)[^"']*)["']/i.exec(input.html ?? '');
  return { otp: m ? m[1] : null, confirmationLink: link ? link[1].replace(/&amp;/g, '&') : null };
}
