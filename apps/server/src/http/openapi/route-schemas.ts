/**
 * Each route's schema (Fastify's own form): its query fields (POST routes take them as a form
 * body too; a body schema would refuse the bodiless DELETE form) and its answers. Fastify
 * validates input against it and serialises JSON answers with it; @fastify/swagger turns the
 * whole into /openapi.json. Parameters are strings as they travel (the handlers parse numbers
 * and say exactly what is wrong), so the schemas describe rather than re-validate them.
 */
type Schema = Record<string, unknown>;

const ref = (id: string): Schema => ({ $ref: `${id}#` });
const arrayOf = (id: string): Schema => ({ type: 'array', items: ref(id) });
/**
 * Error answers, added to every documented route by the document's transform (index.ts) rather
 * than to each route: a serialiser compiled per route for the same small shape would cost start-up
 * time for nothing (the error handler's bodies are built by one function).
 */
export const ERROR_RESPONSES = { '4xx': ref('Error'), '5xx': ref('Error') };

const FIELDS: Record<string, string> = {
  key: 'API key (or send Authorization: Bearer KEY).',
  token: 'The mailbox token that generate_email.php answered.',
  email: 'The mailbox address.',
  id: 'A message id.',
  ttl: 'Lifetime in seconds, within the service\'s bounds.',
  domain: 'One of the service\'s domains (or a verified custom domain of the key).',
  name: 'A chosen local part (3 to 64 of a-z 0-9 . _ -), where the server allows it; 409 when it was ever handed out before.',
  limit: 'At most this many (default 100, at most 1000).',
  before: 'Page past this item (the last of the previous page).',
  from: 'Sender address or display name contains this (case-insensitive).',
  subject: 'Subject contains this (case-insensitive).',
  since: 'A message id (newer ones only) or an ISO 8601 time with zone (date_received at or after it).',
  match: 'any (default), otp (has a code) or link (has a confirmation link).',
  from_domain: 'The sender\'s domain is this or under it; with require_auth=1, a domain the message is authenticated for (DMARC-aligned From, or a passing DKIM d=).',
  require_auth: '1: only messages whose sender is authenticated (see from_domain; without it, DMARC must pass). Results follow the message, so a wait re-evaluates on message.updated.',
  timeout: 'Seconds to hold the request (above 0, at most 60 by default).',
  index: 'Attachment index, 0-based.',
  download: '1: as a file download.',
  remote: '1: allow remote images and fonts.',
  url: 'Where deliveries are POSTed (https; private addresses are refused).',
  verify: '1: check the MX record now.',
};

/** A query (or form) object of string fields, `required` among them. */
function fields(names: string[], required: string[] = []): Schema {
  const properties: Record<string, Schema> = {};
  for (const n of names) properties[n] = { type: 'string', description: FIELDS[n] ?? n };
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** A JSON route: summary, the query fields, and the 200 answer. */
function json(summary: string, query: Schema | null, ok: Schema, tags: string[], extra: Schema = {}): Schema {
  return { summary, tags, ...(query ? { querystring: query } : {}), ...extra, response: { 200: ok } };
}

/** A route that answers bytes of `type`. */
function bytes(summary: string, query: Schema, type: string, tags: string[]): Schema {
  return {
    summary, tags, querystring: query,
    response: { 200: { description: summary, content: { [type]: { schema: { type: 'string', format: 'binary' } } } } },
  };
}

const V1 = ['keyed API v1'];
const API = ['anonymous API'];
const KEYED = { security: [{ bearer: [] }, { keyQuery: [] }] };
const INBOX = ['limit', 'before', 'from', 'subject', 'since', 'match', 'from_domain', 'require_auth'];
const WAIT = ['timeout', 'since', 'match', 'from', 'subject', 'from_domain', 'require_auth'];

/** The schemas of the routes that serve one mailbox, under /api (token) or /v1 (key). */
export function mailboxRouteSchemas(prefix: '/api' | '/v1') {
  const keyed = prefix === '/v1';
  const auth = keyed ? ['key', 'email'] : ['email', 'token'];
  const tags = keyed ? V1 : API;
  const extra = keyed ? KEYED : {};
  return {
    inbox: json('Message summaries, newest first', fields([...auth, ...INBOX], ['email']), arrayOf(keyed ? 'MessageSummary' : 'WebMessageSummary'), tags, extra),
    read: json('One message', fields([...auth, 'id'], ['email', 'id']), ref('Message'), tags, extra),
    wait: json('Hold the request until a matching message exists (408 at the timeout)', fields([...auth, ...WAIT], ['email']), ref('Message'), tags, extra),
    raw: { ...bytes('The original message', fields([...auth, 'id', 'download'], ['email', 'id']), 'message/rfc822', tags), ...extra },
    attachment: { ...bytes('One attachment, as a download', fields([...auth, 'id', 'index'], ['email', 'id', 'index']), 'application/octet-stream', tags), ...extra },
    html: { ...bytes('The message HTML under its own CSP', fields([...auth, 'id', 'remote'], ['email', 'id']), 'text/html', tags), ...extra },
    deleteMailbox: json('Delete the mailbox and its messages now (fields as a form body or in the query)', fields(auth), ref('DeletedMailbox'), tags, extra),
    deleteMessage: json('Delete one message (fields as a form body or in the query)', fields([...auth, 'id']), ref('DeletedMessage'), tags, extra),
  };
}

/** Schemas of the remaining routes. */
export const ROUTE_SCHEMAS = {
  generateAnonymous: json('A new anonymous mailbox', fields(['ttl', 'domain', 'name']), ref('AnonymousMailbox'), API),
  names: json('Whether new addresses may have a chosen name (name= of generate_email.php)', null, ref('NamePolicy'), API),
  generateKeyed: json('A new mailbox owned by the key', fields(['key', 'domain', 'ttl', 'name']), ref('GeneratedMailbox'), V1, KEYED),
  mailboxes: json('The key\'s live mailboxes, newest first', fields(['key', 'limit', 'before']), arrayOf('OwnedMailbox'), V1, KEYED),
  webhookCreate: json('Register a webhook, premium (fields as a form body or in the query)', fields(['key', 'email', 'url']), ref('CreatedWebhook'), V1, KEYED),
  webhookList: json('A mailbox\'s webhooks (or one with id=)', fields(['key', 'email', 'id']), { anyOf: [arrayOf('Webhook'), ref('Webhook')] }, V1, KEYED),
  webhookDelete: json('Remove a webhook', fields(['key', 'id']), ref('DeletedWebhook'), V1, KEYED),
  domainCreate: json('Claim a custom domain, premium (fields as a form body or in the query)', fields(['key', 'domain']), ref('Domain'), V1, KEYED),
  domainGet: json('The key\'s domains, or one with domain=', fields(['key', 'domain', 'verify']), { anyOf: [arrayOf('Domain'), ref('Domain')] }, V1, KEYED),
  domainDelete: json('Release a custom domain', fields(['key', 'domain']), ref('DeletedDomain'), V1, KEYED),
  health: { summary: 'Alive', tags: ['operations'], response: { 200: ref('Status') } },
  ready: { summary: 'Ready to serve (503 before and while draining)', tags: ['operations'], response: { 200: ref('Status'), 503: ref('Status') } },
};
