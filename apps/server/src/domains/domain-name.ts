/**
 * Domain names as customers type them -> the one ASCII form we store and compare.
 * Pure functions, no I/O.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** The most characters we look at in user input (a domain is at most 253 in ASCII). */
const MAX_INPUT = 1024;
/** RFC 1035 / 1123: letters, digits, hyphens; no hyphen at either end; 1..63 characters. */
const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** ASCII characters a name may contain before IDN mapping (anything non-ASCII goes to UTS #46). */
const ASCII_FORBIDDEN = /[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/;

/** Why a name was refused, worded for an API error message. */
export class DomainNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainNameError';
  }
}

/**
 * Normalises a domain name: trims, drops one trailing dot, maps IDN (Unicode) names to
 * punycode and lower-cases (UTS #46 via `url.domainToASCII`). Refuses IP literals, names
 * with fewer than two labels, labels that break the letter-digit-hyphen rules or are longer
 * than 63 characters, an all-numeric last label, and names longer than 253 characters.
 * `Bücher.Example.` -> `xn--bcher-kva.example`.
 * @throws DomainNameError with a message fit for the caller.
 */
export function normaliseDomainName(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw new DomainNameError('domain is missing.');
  let name = input.trim();
  if (name.length > MAX_INPUT) throw new DomainNameError('domain is too long.');
  if (name.startsWith('[') || isIP(name) !== 0) throw new DomainNameError('domain must be a name, not an IP address.');
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (ASCII_FORBIDDEN.test(name)) {
    throw new DomainNameError('domain may contain only letters, digits, hyphens and dots (international names are fine).');
  }
  const ascii = domainToASCII(name);
  if (ascii === '') throw new DomainNameError('domain is not a valid (international) domain name.');
  if (isIP(ascii) !== 0) throw new DomainNameError('domain must be a name, not an IP address.');
  if (ascii.length > 253) throw new DomainNameError('domain is longer than 253 characters.');
  const labels = ascii.split('.');
  if (labels.length < 2) throw new DomainNameError('domain needs at least two labels (like temp.example.com).');
  for (const label of labels) {
    if (label === '') throw new DomainNameError('domain has an empty label (two dots in a row, or a leading dot).');
    if (label.length > 63) throw new DomainNameError('a label of domain is longer than 63 characters.');
    if (!LABEL_RE.test(label)) {
      throw new DomainNameError(`"${label}" is not a valid label: letters, digits and inner hyphens only.`);
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1])) throw new DomainNameError('domain must end in a name, not a number.');
  return ascii;
}

/**
 * Loose normalisation for names we did not get from a customer (our configuration, DNS
 * answers): lower case, no trailing dot, punycode when possible. Never throws.
 */
export function canonicalHost(name: string): string {
  const trimmed = name.trim().replace(/\.$/, '').toLowerCase();
  if (trimmed === '') return '';
  return domainToASCII(trimmed) || trimmed;
}

/** True when `a` and `b` are the same name or one lies inside the other (`x.b` and `b`). */
export function sameOrNested(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}
