/** `client.webhooks`: register, list, show and remove webhooks (premium keys). */
import type { HttpTransport } from './http.js';
import type { CreatedWebhook, Deleted, Webhook } from './types.js';

/** Webhook calls of a keyed client. */
export class Webhooks {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Registers `url` for the mailbox `email`; answers `{id, email, url, secret}`. Keep the
   * secret: it signs every delivery and is not listed later. Registering the same URL again
   * answers the same webhook.
   */
  create(email: string, url: string): Promise<CreatedWebhook> {
    return this.http.json({ method: 'POST', path: '/v1/webhook.php', form: { email, url } });
  }

  /** The mailbox's webhooks with their recent deliveries (newest first). */
  list(email: string): Promise<Webhook[]> {
    return this.http.json({ method: 'GET', path: '/v1/webhook.php', query: { email } });
  }

  /** One webhook by id. */
  get(id: string): Promise<Webhook> {
    return this.http.json({ method: 'GET', path: '/v1/webhook.php', query: { id } });
  }

  /** Removes a webhook; its pending deliveries are dropped. */
  delete(id: string): Promise<Deleted & { id: string }> {
    return this.http.json({ method: 'DELETE', path: '/v1/webhook.php', query: { id } });
  }
}
