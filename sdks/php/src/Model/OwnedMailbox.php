<?php

declare(strict_types=1);

namespace TempMail\Model;

/** One of the key's live mailboxes (`Client::mailboxes()`). */
final class OwnedMailbox
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $email,
        public readonly string $created_at,
        public readonly string $expires_at,
        public readonly array $raw = [],
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['email'], (string) ($data['created_at'] ?? ''), (string) $data['expires_at'], $data);
    }

    public function expires(): \DateTimeImmutable
    {
        return new \DateTimeImmutable($this->expires_at);
    }
}
