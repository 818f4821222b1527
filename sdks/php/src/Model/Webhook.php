<?php

declare(strict_types=1);

namespace TempMail\Model;

/**
 * A webhook. `$secret` is set only in the answer of `webhooks()->create()` (keep it: it signs
 * every delivery and is never listed); `$deliveries` only in listings.
 */
final class Webhook
{
    /**
     * @param list<WebhookDelivery> $deliveries newest first
     * @param array<string, mixed>  $raw
     */
    public function __construct(
        public readonly string $id,
        public readonly string $email,
        public readonly string $url,
        #[\SensitiveParameter] public readonly ?string $secret = null,
        public readonly bool $active = true,
        public readonly ?string $created_at = null,
        public readonly ?string $disabled_at = null,
        public readonly ?string $disabled_reason = null,
        public readonly array $deliveries = [],
        public readonly array $raw = [],
    ) {
    }

    /** var_dump()/print_r() without the secret. @return array<string, mixed> */
    public function __debugInfo(): array
    {
        $vars = get_object_vars($this);
        if ($vars['secret'] !== null) {
            $vars['secret'] = '***';
        }
        unset($vars['raw']);

        return $vars;
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            (string) $data['id'],
            (string) $data['email'],
            (string) $data['url'],
            isset($data['secret']) ? (string) $data['secret'] : null,
            (bool) ($data['active'] ?? true),
            isset($data['created_at']) ? (string) $data['created_at'] : null,
            isset($data['disabled_at']) ? (string) $data['disabled_at'] : null,
            isset($data['disabled_reason']) ? (string) $data['disabled_reason'] : null,
            array_map(static fn (array $d) => WebhookDelivery::fromArray($d), $data['deliveries'] ?? []),
            $data,
        );
    }
}
