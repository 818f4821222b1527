/**
 * Runs SPF, DKIM (every signature), DMARC and ARC on one received message with mailauth, through
 * the cached resolver (dns-resolver.ts), within a deadline. Never throws: a check that fails or
 * runs past the deadline gives the all-temperror verdict, so a message is never held by DNS.
 */
import { authenticate } from 'mailauth';
import type { AuthenticationResults } from '../domain/types.js';
import type { AuthResolver } from './dns-resolver.js';
import { temperrorVerdict, toVerdict } from './verdict.js';

export interface AuthInput {
  raw: Buffer;
  /** The SMTP client's address (SPF is checked for it). */
  clientIp: string | null;
  /** Its HELO/EHLO name. */
  helo: string | null;
  /** MAIL FROM ('' for a bounce: SPF then checks the HELO name). */
  envelopeFrom: string;
  /** The From header's domain, for the verdict of a check that could not run. */
  fromDomain: string | null;
}

export interface SenderAuthCheckerOptions {
  resolver: AuthResolver;
  /** The whole check's deadline. */
  deadlineMs: number;
  /** Our host name, as Authentication-Results would name it (TEMPMAIL_MX_HOST). */
  mta: string;
  onError?: (err: Error) => void;
}

export class SenderAuthChecker {
  constructor(private readonly o: SenderAuthCheckerOptions) {}

  async check(input: AuthInput): Promise<AuthenticationResults> {
    const clientIp = input.clientIp ? input.clientIp.replace(/^::ffff:/, '') : null;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), this.o.deadlineMs); });
    try {
      const checked = authenticate(input.raw, {
        ip: clientIp ?? undefined,
        helo: input.helo ?? undefined,
        sender: input.envelopeFrom || undefined,
        mta: this.o.mta,
        resolver: this.o.resolver,
        disableBimi: true, // logos, not authentication; and it would fetch over HTTPS
      });
      checked.catch(() => {}); // settled after the deadline: nobody waits for it any more
      const found = await Promise.race([checked, late]);
      return found ? toVerdict(found, clientIp, input.fromDomain) : temperrorVerdict(clientIp, input.fromDomain);
    } catch (err) {
      this.o.onError?.(err as Error);
      return temperrorVerdict(clientIp, input.fromDomain);
    } finally {
      clearTimeout(timer);
    }
  }
}
