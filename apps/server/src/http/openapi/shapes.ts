/**
 * The JSON shapes of the API as JSON Schema (2020-12, as OpenAPI 3.1 uses): registered once on
 * the app (`addSchema`), referenced by the routes' response schemas (`{ $ref: 'Message#' }`),
 * and listed under `components.schemas` of /openapi.json. Objects the service builds whole are
 * closed (`additionalProperties: false`), so the drift test fails on an undescribed field.
 */
type Schema = Record<string, unknown>;

const str = (description?: string): Schema => (description ? { type: 'string', description } : { type: 'string' });
const nullableStr = (description: string): Schema => ({ type: ['string', 'null'], description });
const isoTime = (description: string): Schema => ({ type: 'string', format: 'date-time', description });
const closed = (properties: Record<string, Schema>, description: string, required = Object.keys(properties)): Schema => ({
  type: 'object', description, properties, required, additionalProperties: false,
});

const summaryFields = {
  id: str('Message id, e.g. msg_a1b2c3.'),
  sender: str('Bare address of the From header, else the envelope sender.'),
  sender_name: nullableStr('The From header\'s display name, or null.'),
  subject: str(),
  date_received: isoTime('ISO 8601 UTC, to the second.'),
};
const extracted = {
  otp: nullableStr('The one-time code a person would type, or null.'),
  confirmation_link: nullableStr('The verify / confirm / sign-in link a person would click, or null.'),
};

const result = (description: string): Schema => ({
  enum: ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy'], description,
});
const nullableDomain = (description: string): Schema => ({ type: ['string', 'null'], description });

/** Every shape, by its $id. */
export const SHAPES: Schema[] = [
  {
    $id: 'Authentication', ...closed({
      spf: closed({
        result: result('SPF of the envelope sender (else the HELO name) for the client\'s address.'),
        domain: nullableDomain('The domain checked.'),
        client_ip: nullableDomain('The SMTP client\'s address.'),
      }, 'SPF.'),
      dkim: {
        type: 'array', description: 'Every DKIM signature, in header order.',
        items: closed({
          result: result('This signature\'s result.'), domain: nullableDomain('d='), selector: nullableDomain('s='),
          aligned: { type: 'boolean', description: 'd= aligns with the From domain (DMARC).' },
        }, 'One DKIM signature.'),
      },
      dmarc: closed({
        result: result('DMARC for the From domain.'),
        domain: nullableDomain('The From domain.'),
        policy: nullableDomain('The domain\'s published policy (none, quarantine, reject), or null.'),
        spf_aligned: { type: 'boolean' },
        dkim_aligned: { type: 'boolean' },
      }, 'DMARC.'),
      arc: closed({ result: result('ARC chain validation.') }, 'ARC.'),
      verified_domains: {
        type: 'array', items: { type: 'string' },
        description: 'Domains the message is authenticated for: the From domain when DMARC passed, then each passing DKIM d=.',
      },
    }, 'Sender authentication, computed after the message is stored; null until then (message.updated follows).'),
  },
  {
    $id: 'Error', ...closed({
      error: closed({
        code: str('Stable error code, e.g. not_found.'),
        message: str('What went wrong, for people.'),
        param: str('Extension: the request parameter at fault, when one is (e.g. name).'),
      }, 'The error.', ['code', 'message']),
    }, 'Every error answer: {"error":{"code","message"}} (plus "param" where a parameter is at fault).'),
  },
  { $id: 'MessageSummary', ...closed(summaryFields, 'One entry of /v1/inbox.php, newest first.') },
  { $id: 'WebMessageSummary', ...closed({ ...summaryFields, ...extracted }, 'One entry of /api/inbox.php (with the code and link, for the web page).') },
  {
    $id: 'MessageLink', ...closed({ url: str('http(s) or mailto URL, as the message has it.'), text: str('The text a person sees.') }, 'One clickable link.'),
  },
  {
    $id: 'Attachment', ...closed({ filename: str(), content_type: str(), size: { type: 'integer', description: 'Bytes.' } }, 'Attachment metadata; its bytes come from attachment.php.'),
  },
  {
    $id: 'Message', ...closed({
      ...summaryFields, ...extracted,
      email: str('The mailbox it was delivered to.'),
      body: str('Plain text (derived from the HTML when the message has no text part).'),
      html: nullableStr('The HTML part, or null.'),
      links: { type: 'array', items: { $ref: 'MessageLink#' }, description: 'Every link a person can click, in order.' },
      attachments: { type: 'array', items: { $ref: 'Attachment#' } },
      timings: {
        type: ['object', 'null'],
        description: 'read.php only: where the message\'s milliseconds went, in ms from the end of its SMTP DATA (to a tenth of a ms); null when the node that answers does not know (an older message, or one another node took that nobody here watched).',
        properties: {
          received: { type: 'number', description: 'Until the service had the whole message in hand.' },
          parsed: { type: 'number', description: 'Until it was parsed and its code and link found.' },
          stored: { type: 'number', description: 'Until it was committed to disk (the 250 follows).' },
          pushed: { type: ['number', 'null'], description: 'Until a WebSocket frame for it was sent by this node, or null.' },
        },
        required: ['received', 'parsed', 'stored', 'pushed'],
        additionalProperties: false,
      },
      authentication: {
        type: ['object', 'null'], anyOf: [{ type: 'null' }, { $ref: 'Authentication#' }],
        description: 'SPF, DKIM, DMARC and ARC results; null until the checks have run.',
      },
    }, 'One message (read.php, wait.php).', [...Object.keys(summaryFields), ...Object.keys(extracted), 'email', 'body', 'html', 'links', 'attachments', 'authentication']),
  },

  { $id: 'GeneratedMailbox', ...closed({ email: str(), expires_at: isoTime('When the mailbox and its messages are deleted.') }, 'A new keyed mailbox.') },
  {
    $id: 'AnonymousMailbox',
    ...closed({ email: str(), token: str('The secret that reads this mailbox.'), expires_at: isoTime('When it is deleted.') }, 'A new anonymous mailbox.'),
  },
  {
    $id: 'NamePolicy',
    ...closed({ allowed: { type: 'boolean', description: 'Whether generate_email.php takes name= (TEMPMAIL_CUSTOM_NAMES).' } }, 'Whether a new address may have a chosen name.'),
  },
  { $id: 'OwnedMailbox', ...closed({ email: str(), created_at: isoTime('When it was made.'), expires_at: isoTime('When it is deleted.') }, 'One of the key\'s live mailboxes.') },
  {
    $id: 'DeletedMailbox',
    ...closed({
      deleted: { const: true }, email: str(),
      receipt: { $ref: 'Receipt#', description: 'The signed deletion receipt (docs/encryption.md); absent when it could not be written.' },
    }, 'A mailbox deleted now.', ['deleted', 'email']),
  },
  {
    $id: 'Receipt', ...closed({
      v: { const: 1 },
      seq: { type: 'integer', description: 'Position in the receipt chain, from 1.' },
      event: { enum: ['mailbox.deleted', 'mailbox.expired', 'epoch.destroyed'] },
      mailbox: nullableStr('SHA-256 (hex) of the mailbox id; null for epoch.destroyed.'),
      address: nullableStr('SHA-256 (hex) of the lower-case address; null for epoch.destroyed.'),
      messages: { type: ['integer', 'null'], description: 'Messages deleted with the mailbox; null for epoch.destroyed.' },
      key_epoch: { type: 'integer', description: 'The key epoch whose KEK wraps the mailbox\'s data key (or the epoch destroyed).' },
      epoch_ends_at: isoTime('When that epoch ends and its KEK is destroyed.'),
      at: isoTime('When this happened.'),
      prev: nullableStr('Hash (base64url SHA-256) of the receipt before it; null for the first.'),
      key_id: str('The signing key, as /.well-known/tempmail-receipts.json lists it.'),
      sig: str('Ed25519 signature (base64url) of the receipt\'s other members, in this order, as JSON.'),
    }, 'A signed deletion receipt, one link of the chain /api/receipts.php serves.'),
  },
  { $id: 'DeletedMessage', ...closed({ deleted: { const: true }, email: str(), id: str() }, 'A message deleted now.') },
  {
    $id: 'Webhook', type: 'object', description: 'A registered webhook with its recent deliveries (newest first).',
    properties: {
      id: str(), email: str(), url: str(), active: { type: 'boolean' }, created_at: isoTime('Registered at.'),
      disabled_at: { type: ['string', 'null'] }, disabled_reason: { type: ['string', 'null'] },
      deliveries: {
        type: 'array', items: {
          type: 'object', properties: {
            message_id: str(), attempt: { type: 'integer' }, at: str(), status_code: { type: ['integer', 'null'] },
            latency_ms: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] }, outcome: str(),
          },
        },
      },
    },
    required: ['id', 'email', 'url', 'active', 'created_at', 'deliveries'],
  },
  {
    $id: 'CreatedWebhook', ...closed({ id: str(), email: str(), url: str(), secret: str('Signs every delivery; shown only now.') }, 'A webhook just registered.'),
  },
  { $id: 'DeletedWebhook', ...closed({ deleted: { const: true }, id: str() }, 'A webhook removed.') },
  {
    $id: 'Domain', ...closed({ domain: str(), status: { enum: ['pending', 'verified', 'suspended'] }, mx: str('The host its MX record must name.') }, 'A custom receiving domain.'),
  },
  { $id: 'DeletedDomain', ...closed({ deleted: { const: true }, domain: str() }, 'A custom domain released.') },
  { $id: 'Status', type: 'object', properties: { status: str() }, required: ['status'], description: 'Health and readiness.' },
];
