/** Schema-qualified table names of the PostgreSQL message store. */
import { quoteIdent } from './pool.js';

export interface Tables {
  schema: string;
  mailboxes: string;
  messages: string;
  messageRaw: string;
  messageAuth: string;
  attachments: string;
  apiKeys: string;
  outbox: string;
  webhooks: string;
  webhookDeliveries: string;
  customDomains: string;
  receipts: string;
  issuedAddresses: string;
  issuedPending: string;
}

/** The qualified names in `schema` (e.g. `"public".mailboxes`). */
export function tablesIn(schema: string): Tables {
  const s = quoteIdent(schema);
  return {
    schema,
    mailboxes: `${s}.mailboxes`,
    messages: `${s}.messages`,
    messageRaw: `${s}.message_raw`,
    messageAuth: `${s}.message_auth`,
    attachments: `${s}.attachments`,
    apiKeys: `${s}.api_keys`,
    outbox: `${s}.outbox`,
    webhooks: `${s}.webhooks`,
    webhookDeliveries: `${s}.webhook_deliveries`,
    customDomains: `${s}.custom_domains`,
    receipts: `${s}.receipts`,
    issuedAddresses: `${s}.issued_addresses`,
    issuedPending: `${s}.issued_pending`,
  };
}
