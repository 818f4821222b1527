<?php

declare(strict_types=1);

namespace TempMail\Model;

/** A webhook POST body (`event` = message.received); `id` is the message id, the same on every retry. */
final class WebhookEvent
{
    /**
     * @param array<string, mixed> $raw
     * @param ?string $sender_name the From header's display name, or null (also from servers that predate the field)
     */
    public function __construct(
        public readonly string $event,
        public readonly string $id,
        public readonly string $email,
        public readonly string $sender,
        public readonly string $subject,
        public readonly ?string $otp,
        public readonly ?string $confirmation_link,
        public readonly string $received_at,
        public readonly array $raw = [],
        public readonly ?string $sender_name = null,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            (string) $data['event'],
            (string) $data['id'],
            (string) ($data['email'] ?? ''),
            (string) ($data['sender'] ?? ''),
            (string) ($data['subject'] ?? ''),
            isset($data['otp']) ? (string) $data['otp'] : null,
            isset($data['confirmation_link']) ? (string) $data['confirmation_link'] : null,
            (string) ($data['received_at'] ?? ''),
            $data,
            isset($data['sender_name']) ? (string) $data['sender_name'] : null,
        );
    }
}
