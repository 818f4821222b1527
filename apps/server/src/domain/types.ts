/** The service's nouns. No I/O here. */

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
}

/** Plaintext of the sealed body. */
export interface MessageBodyPlain {
  text: string;
  html: string | null;
  attachments: AttachmentMeta[];
  headers: Array<[string, string]>;
  envelopeFrom: string;
}

/** Outbound event, as the contract names its fields. */
export interface MessageEvent {
  event: 'message.received';
  id: string;
  email: string;
  sender: string;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  received_at: string;
}

/** The ids a bus carries: never plaintext. */
export interface MessageNotice {
  mailboxId: string;
  messageId: string;
}

/** Why a mailbox went away before or at its expiry. */
export type MailboxGoneReason = 'deleted' | 'expired';

/** A mailbox was deleted or swept: every node drops what it holds of it. Ids only, like MessageNotice. */
export interface MailboxGoneNotice {
  mailboxId: string;
  reason: MailboxGoneReason;
}
