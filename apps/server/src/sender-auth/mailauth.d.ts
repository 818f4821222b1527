/** The part of mailauth's (untyped) API that sender-auth uses. */
declare module 'mailauth' {
  interface MailauthStatus {
    result?: string;
    aligned?: string | false;
    header?: { from?: string };
  }
  export interface MailauthResult {
    dkim?: { results?: Array<{ signingDomain?: string; selector?: string; status?: MailauthStatus }> };
    spf?: { domain?: string; status?: MailauthStatus } | false;
    dmarc?: {
      status?: MailauthStatus; domain?: string; policy?: string; p?: string;
      alignment?: { spf?: { result?: string | false }; dkim?: { result?: string | false } };
    } | false;
    arc?: { status?: MailauthStatus } | false;
  }
  export function authenticate(input: Buffer | string, options: {
    ip?: string; helo?: string; sender?: string; mta?: string;
    resolver?: (name: string, rrtype: string) => Promise<unknown>;
    disableBimi?: boolean; disableArc?: boolean; trustReceived?: boolean;
  }): Promise<MailauthResult>;
}
