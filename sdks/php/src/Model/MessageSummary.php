<?php

declare(strict_types=1);

namespace TempMail\Model;

/** One entry of an inbox list (newest first); `$sender_name` is the From header's display name, or null. */
final class MessageSummary
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $id,
        public readonly string $sender,
        public readonly string $subject,
        public readonly string $date_received,
        public readonly array $raw = [],
        public readonly ?string $sender_name = null,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['id'], (string) $data['sender'], (string) $data['subject'], (string) $data['date_received'], $data,
            isset($data['sender_name']) ? (string) $data['sender_name'] : null);
    }
}
