<?php

declare(strict_types=1);

namespace TempMail;

use TempMail\Model\Webhook;

/** `$client->webhooks()`: register, list, show and remove webhooks (premium keys). */
final class Webhooks
{
    /** @internal */
    public function __construct(private readonly Transport $transport)
    {
    }

    /**
     * Registers `$url` for mailbox `$email`. The answer's `secret` signs every delivery and is
     * not shown again; registering the same URL again answers the same webhook.
     */
    public function create(string $email, string $url): Webhook
    {
        return Webhook::fromArray($this->transport->json('POST', '/v1/webhook.php', [], ['email' => $email, 'url' => $url]));
    }

    /**
     * The mailbox's webhooks with their recent deliveries (newest first).
     *
     * @return list<Webhook>
     */
    public function list(string $email): array
    {
        return array_map(static fn (array $w) => Webhook::fromArray($w), $this->transport->json('GET', '/v1/webhook.php', ['email' => $email]));
    }

    /** One webhook by id. */
    public function get(string $id): Webhook
    {
        return Webhook::fromArray($this->transport->json('GET', '/v1/webhook.php', ['id' => $id]));
    }

    /** Removes a webhook; its pending deliveries are dropped. */
    public function delete(string $id): bool
    {
        return (bool) ($this->transport->json('DELETE', '/v1/webhook.php', ['id' => $id])['deleted'] ?? true);
    }
}
