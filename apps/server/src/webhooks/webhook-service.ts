/**
 * Registering, listing and removing webhooks, and planning their outbox rows for new messages.
 * The secret is shown to the API user and otherwise only kept sealed with the mailbox's data
 * key (AAD bound to the webhook id), so it becomes unreadable with the mailbox.
 */
import type { KeyService } from '../crypto/key-service.js';
import { AppError, badRequest, conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isoUtc } from '../domain/time.js';
import type { Mailbox } from '../domain/types.js';
import type { OutboxPlanner } from '../ingest/pipeline.js';
import type { Clock } from '../ports/clock.js';
import type { MailboxStore } from '../ports/store.js';
import type { WebhookRecord, WebhookStore } from '../ports/webhook-store.js';
import { WEBHOOK_SECRET_FIELD } from './dispatcher.js';
import { newWebhookSecret } from './signing.js';
import { parseWebhookUrl, type TargetPolicy, UrlRefused } from './target.js';

/** What `POST /v1/webhook.php` answers. */
export interface RegisteredWebhook {
  id: string;
  email: string;
  url: string;
  secret: string;
}

/** One webhook in `GET /v1/webhook.php`. */
export interface WebhookView {
  id: string;
  email: string;
  url: string;
  active: boolean;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  deliveries: Array<{
    message_id: string; attempt: number; at: string; status_code: number | null; latency_ms: number | null;
    error: string | null; outcome: string;
  }>;
}

export interface WebhookServiceDeps {
  /** Absent when the storage backend has no webhook support: every call answers 503. */
  store: WebhookStore | undefined;
  mailboxes: MailboxStore;
  keys: KeyService;
  policy: TargetPolicy;
  clock: Clock;
  maxPerMailbox: number;
  logKeep: number;
}

const ID_RE = /^whk_[A-Za-z0-9_-]{16}$/;

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  private store(): WebhookStore {
    if (!this.deps.store) throw new AppError('unavailable', 'Webhooks are not available with this storage backend yet.');
    return this.deps.store;
  }

  /**
   * Registers `urlInput` for a mailbox (the caller has checked key, plan and ownership). The
   * same URL registered again answers the existing webhook, secret included.
   */
  async register(mailbox: Mailbox, urlInput: unknown): Promise<RegisteredWebhook> {
    const store = this.store();
    let url: URL;
    try {
      url = parseWebhookUrl(urlInput);
      await this.deps.policy.resolve(url, true);
    } catch (e) {
      if (e instanceof UrlRefused) throw badRequest(e.message);
      throw e;
    }
    const cipher = await this.deps.keys.cipherFor(mailbox);
    if (!cipher) throw notFound();
    const existing = await store.listByMailbox(mailbox.id);
    const active = existing.filter((w) => w.disabledAt === null);
    const same = active.find((w) => w.url === url.href);
    if (same) {
      const secret = cipher.open(same.id, WEBHOOK_SECRET_FIELD, same.sealedSecret).toString('utf8');
      return { id: same.id, email: mailbox.address, url: same.url, secret };
    }
    if (active.length >= this.deps.maxPerMailbox) {
      throw conflict(`This mailbox has ${active.length} webhooks already (the most allowed); delete one first.`);
    }
    // Disabled webhooks stay listed for their delivery log, but make room for new ones.
    const disabled = existing.filter((w) => w.disabledAt !== null);
    for (let i = 0; existing.length - i >= this.deps.maxPerMailbox && i < disabled.length; i++) await store.delete(disabled[i].id);
    const id = newId('whk');
    const secret = newWebhookSecret();
    await store.create({
      id, mailboxId: mailbox.id, url: url.href, sealedSecret: cipher.seal(id, WEBHOOK_SECRET_FIELD, secret),
      createdAt: this.deps.clock.now(), disabledAt: null, disabledReason: null,
    });
    return { id, email: mailbox.address, url: url.href, secret };
  }

  /** A mailbox's webhooks with their recent delivery attempts (newest first). */
  async list(mailbox: Mailbox): Promise<WebhookView[]> {
    const store = this.store();
    const hooks = await store.listByMailbox(mailbox.id);
    return Promise.all(hooks.map((w) => this.view(w, mailbox)));
  }

  /** One webhook of a key, or 404 (unknown, another key's, or its mailbox expired). */
  async getOwned(idInput: unknown, keyId: string): Promise<{ webhook: WebhookRecord; mailbox: Mailbox }> {
    if (typeof idInput !== 'string' || idInput === '') throw badRequest('id is missing.');
    if (!ID_RE.test(idInput)) throw notFound('No such webhook.');
    const webhook = await this.store().get(idInput);
    const mailbox = webhook ? await this.deps.mailboxes.findById(webhook.mailboxId) : null;
    if (!webhook || !mailbox || mailbox.ownerKeyId !== keyId || mailbox.expiresAt <= this.deps.clock.now()) {
      throw notFound('No such webhook.');
    }
    return { webhook, mailbox };
  }

  /** One webhook's view, for its owner. */
  async show(idInput: unknown, keyId: string): Promise<WebhookView> {
    const { webhook, mailbox } = await this.getOwned(idInput, keyId);
    return this.view(webhook, mailbox);
  }

  /** Deletes a webhook of a key (pending deliveries are dropped). */
  async remove(idInput: unknown, keyId: string): Promise<{ deleted: true; id: string }> {
    const { webhook } = await this.getOwned(idInput, keyId);
    await this.store().delete(webhook.id);
    return { deleted: true, id: webhook.id };
  }

  /** The ingest pipeline's `outboxFor`: one row per active webhook of the mailbox. */
  readonly outboxFor: OutboxPlanner = async (mailbox, messageId) => {
    if (!this.deps.store || mailbox.ownerKeyId === null) return [];
    const ids = await this.deps.store.activeIds(mailbox.id);
    return ids.map((webhookId) => ({ id: newId('obx'), webhookId, messageId, mailboxId: mailbox.id }));
  };

  private async view(w: WebhookRecord, mailbox: Mailbox): Promise<WebhookView> {
    const attempts = await this.store().recentAttempts(w.id, this.deps.logKeep);
    return {
      id: w.id, email: mailbox.address, url: w.url, active: w.disabledAt === null, created_at: isoUtc(w.createdAt),
      disabled_at: w.disabledAt === null ? null : isoUtc(w.disabledAt), disabled_reason: w.disabledReason,
      deliveries: attempts.map((a) => ({
        message_id: a.messageId, attempt: a.attempt, at: new Date(a.at).toISOString(), status_code: a.statusCode, latency_ms: a.latencyMs,
        error: a.error, outcome: a.outcome,
      })),
    };
  }
}
