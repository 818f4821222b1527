/**
 * The shapes the TempMail API answers with. Field names are exactly the wire names of the
 * published contract (snake_case), so a value printed here reads like the API reference.
 * The server may add fields; unknown ones are passed through untouched.
 */

/** A mailbox made with an API key (`/v1/generate_email.php`). */
export interface Mailbox {
  /** The address, e.g. `k9x2m7ab@tempmail.io`. */
  email: string;
  /** When the mailbox and its messages are deleted (ISO 8601 UTC). */
  expires_at: string;
}

/** A mailbox made without a key (`/api/generate_email.php`); `token` is the secret that reads it. */
export interface AnonymousMailbox extends Mailbox {
  token: string;
}

/** One entry of an inbox list, newest first. */
export interface MessageSummary {
  /** Message id, e.g. `msg_a1b2c3`. */
  id: string;
  /** Bare address of the From header, else the envelope sender. */
  sender: string;
  /** The From header's display name (`GitHub` in `GitHub <noreply@github.com>`), or null. */
  sender_name: string | null;
  subject: string;
  /** ISO 8601 UTC. */
  date_received: string;
}

/** Metadata of one attachment; fetch its bytes with `attachment(email, id, index)`. */
export interface Attachment {
  filename: string;
  content_type: string;
  /** Size in bytes. */
  size: number;
}

/** One message as `read.php` answers it. */
export interface Message extends MessageSummary {
  /** The mailbox the message was delivered to. */
  email: string;
  /** Plain text (derived from the HTML when the message has no text part). */
  body: string;
  html: string | null;
  /** The one-time code a person would type, or null. */
  otp: string | null;
  /** The verify / confirm / sign-in link a person would click, or null. */
  confirmation_link: string | null;
  /** Every link a person can click, in the order of the message (http(s) and mailto only). */
  links: MessageLink[];
  /** In the order `attachment(…, index)` uses (0-based). */
  attachments: Attachment[];
  /**
   * read.php only: where the message's milliseconds went, from the end of its SMTP DATA; null
   * when the answering node does not know them (older messages; absent from wait.php).
   */
  timings?: MessageTimings | null;
  /**
   * SPF, DKIM, DMARC and ARC results, or null until the server has checked them (they follow
   * the message: a `message.updated` event announces them).
   */
  authentication: Authentication | null;
}

/** Stage figures of one message, in ms from the end of its SMTP DATA (to a tenth of a ms). */
export interface MessageTimings {
  /** Until the service had the whole message in hand. */
  received: number;
  /** Until it was parsed and its code and link found. */
  parsed: number;
  /** Until it was committed to disk (the SMTP 250 follows). */
  stored: number;
  /** Until a WebSocket frame for it was sent by the answering node, or null. */
  pushed: number | null;
}

/** One check's outcome, as Authentication-Results (RFC 8601) names them. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** Who really sent a message, as the server checked it after receiving it. */
export interface Authentication {
  /** SPF of the envelope sender (else the HELO name) for the SMTP client's address. */
  spf: { result: AuthResult; domain: string | null; client_ip: string | null };
  /** Every DKIM signature in header order; `aligned`: d= aligns with the From domain. */
  dkim: Array<{ result: AuthResult; domain: string | null; selector: string | null; aligned: boolean }>;
  /** DMARC for the From domain, with the domain's published policy (null when none). */
  dmarc: { result: AuthResult; domain: string | null; policy: string | null; spf_aligned: boolean; dkim_aligned: boolean };
  arc: { result: AuthResult };
  /** Domains the message is authenticated for: the From domain when DMARC passed, then each passing DKIM d=. */
  verified_domains: string[];
}

/** One clickable link of a message: its target and the text a person sees. */
export interface MessageLink {
  url: string;
  text: string;
}

/** One of the key's live mailboxes (`/v1/mailboxes.php`). */
export interface OwnedMailbox extends Mailbox {
  /** When it was made (ISO 8601 UTC). */
  created_at: string;
}

/** The bytes of one attachment, with the type and name the server sent. */
export interface AttachmentContent {
  filename: string;
  content_type: string;
  data: Uint8Array;
}

/** A WebSocket frame or webhook POST body announcing a new message. */
export interface MessageReceivedEvent {
  event: 'message.received';
  /** The message id: the same on every retry of a webhook delivery (drop duplicates by it). */
  id: string;
  email: string;
  sender: string;
  subject: string;
  otp: string | null;
  confirmation_link: string | null;
  received_at: string;
  /** The From header's display name, or null (absent from servers that predate it). */
  sender_name?: string | null;
}

/**
 * The same message again once its authentication results are known (same `id`: a receiver that
 * drops duplicates drops them per event name and id).
 */
export interface MessageUpdatedEvent extends Omit<MessageReceivedEvent, 'event'> {
  /** Its results (null only when they could not be stored with the message). */
  event: 'message.updated';
  authentication: Authentication | null;
}

/** Sent on a WebSocket just before the server closes it. */
export interface MailboxClosedEvent {
  event: 'mailbox.expired' | 'mailbox.deleted';
  email: string;
}

export type TempMailEvent = MessageReceivedEvent | MessageUpdatedEvent | MailboxClosedEvent;

/** `POST /v1/webhook.php` answer: keep `secret`, it signs every delivery and is never shown again. */
export interface CreatedWebhook {
  id: string;
  email: string;
  url: string;
  secret: string;
}

/** One delivery attempt in a webhook's log (newest first). */
export interface WebhookDelivery {
  message_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  outcome: 'delivered' | 'failed' | 'disabled' | 'gave_up' | string;
}

/** A registered webhook as listed (the secret is never listed). */
export interface Webhook {
  id: string;
  email: string;
  url: string;
  active: boolean;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  deliveries: WebhookDelivery[];
}

export type DomainStatus = 'pending' | 'verified' | 'suspended';

/** A custom receiving domain of the key. */
export interface Domain {
  domain: string;
  status: DomainStatus;
  /** The host the domain's MX record must name. */
  mx: string;
}

/** `X-RateLimit-*` of the latest answer. */
export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in this window. */
  remaining: number;
  /** Seconds until the window resets (as the server said). */
  reset: number;
  /** `reset` as an absolute time, computed when the answer arrived. */
  resetAt: Date;
}

/** Answer of `deleteMessage`. */
export interface DeletedMessage {
  deleted: true;
  email: string;
  id: string;
}

/** Answer of the delete calls. */
export interface Deleted {
  deleted: true;
  [field: string]: unknown;
}
