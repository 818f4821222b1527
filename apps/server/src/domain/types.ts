/** The service's nouns. No I/O here. */

import type { RawRange } from './raw-range.js';
import type { IngestTimings } from '../ingest/timings.js';

export type Plan = 'free' | 'premium';

export interface Mailbox {
  id: string;
  /** Full lower-case address, e.g. k9x2m7ab@tempmail.local. */
  address: string;
  /** SHA-256 of the mailbox token (anonymous mailboxes), else null. */
  tokenHash: Buffer | null;
  /** API key id that owns it (keyed mailboxes), else null. */
  ownerKeyId: string | null;
  createdAt: number;
  expiresAt: number;
  /** The mailbox data key wrapped by its expiry epoch's key-encryption key. */
  wrappedKey: Buffer;
  /** The expiry epoch whose KEK wraps the data key. */
  keyEpoch: number;
  /** Client IP that created an anonymous mailbox (for per-IP caps), else null. */
  creatorIp: string | null;
  /**
   * The browser behind that IP (its address key and a digest of the id the page keeps), for the
   * per-browser cap that lets several people share one NAT address; else null.
   */
  creatorClient: string | null;
}

export interface ApiKeyRecord {
  id: string;
  hash: Buffer;
  plan: Plan;
  createdAt: number;
  revokedAt: number | null;
  /** First characters of the key, for `keys list` (never enough to use it). */
  prefix: string;
}

/** What ingest stores for one message; the sealed fields are AES-256-GCM ciphertexts. */
export interface StoredMessage {
  id: string;
  mailboxId: string;
  receivedAt: number;
  size: number;
  /** Sealed MessageSummaryPlain. */
  summary: Buffer;
  /** Sealed MessageBodyPlain. */
  body: Buffer;
  /** Sealed raw RFC 822 source. */
  raw: Buffer;
  /** Sealed attachment contents, in order. */
  attachments: Buffer[];
}

/** Sealed AuthenticationResults of a message, written after the message (sealed field 'authentication'). */
export interface StoredAuthentication {
  mailboxId: string;
  messageId: string;
  sealed: Buffer;
}

/** Plaintext of the sealed summary: what inbox lists and events show. */
export interface MessageSummaryPlain {
  sender: string;
  /** The From header's display name; absent in messages stored before it was kept. */
  senderName?: string | null;
  subject: string;
  otp: string | null;
  confirmationLink: string | null;
}

export interface AttachmentMeta {
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
  /**
   * Set when the attachment stands in the message's raw source (as it is, with CRLF as LF, or in
   * base64): no copy of its own is stored. Internal: not in the API.
   */
  rawRange?: RawRange;
}

/** Plaintext of the sealed body. */
export interface MessageBodyPlain {
  text: string;
  html: string | null;
  attachments: AttachmentMeta[];
  headers: Array<[string, string]>;
  envelopeFrom: string;
}

/** One check's outcome, as RFC 8601 (Authentication-Results) names them. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/**
 * Sender authentication of a message (issue 21), computed after it is stored and sealed with
 * it; the wire shape of `authentication` in read.php, events and webhooks.
 */
export interface AuthenticationResults {
  /** SPF of the envelope sender (else the HELO name) for the client's address. */
  spf: { result: AuthResult; domain: string | null; client_ip: string | null };
  /** Every DKIM signature, in header order; `aligned`: d= is the From domain or shares its organisational domain. */
  dkim: Array<{ result: AuthResult; domain: string | null; selector: string | null; aligned: boolean }>;
  /** DMARC for the From domain: the result, the domain's policy (null: none published) and what aligned. */
  dmarc: { result: AuthResult; domain: string | null; policy: string | null; spf_aligned: boolean; dkim_aligned: boolean };
  /** ARC chain validation. */
  arc: { result: AuthResult };
  /** Domains authenticated for this message: the From domain when DMARC passed, then every d= of a passing DKIM signature. */
  verified_domains: string[];
}

/** Which event a notice or a webhook delivery stands for. */
export type MessageEventName = 'message.received' | 'message.updated';

/** Outbound event, as the contract names its fields. */
export interface MessageEvent {
  /** `message.updated`: the same message again, with its authentication results now known. */
  event: MessageEventName;
  id: string;
  email: string;
  sender: string;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  received_at: string;
  /**
   * Extension, after the contract's fields: the From header's display name, or null (as
   * `sender_name` in inbox.php and read.php).
   */
  sender_name: string | null;
  /**
   * Only in message.updated: the results (message.received carries the contract's fields and
   * sender_name; the checks run after it).
   */
  authentication?: AuthenticationResults | null;
}

/** The ids a bus carries: never plaintext. */
export interface MessageNotice {
  mailboxId: string;
  messageId: string;
  /** The ingesting node's stage figures (ingest/timings.ts): latency, never content. */
  timings?: IngestTimings;
  /** 'updated': authentication results were added to a message already announced. Absent: a new message. */
  kind?: 'updated';
}

/** Why a mailbox went away before or at its expiry. */
export type MailboxGoneReason = 'deleted' | 'expired';

/** A mailbox was deleted or swept: every node drops what it holds of it. Ids only, like MessageNotice. */
export interface MailboxGoneNotice {
  mailboxId: string;
  reason: MailboxGoneReason;
}
