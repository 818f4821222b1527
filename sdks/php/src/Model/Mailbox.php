<?php

declare(strict_types=1);

namespace TempMail\Model;

/** A mailbox; `$token` is set for anonymous mailboxes only (the secret that reads it). */
final class Mailbox
{
    /** @param array<string, mixed> $raw the whole JSON object (fields added later live here) */
    public function __construct(
        public readonly string $email,
        public readonly string $expires_at,
        public readonly ?string $token = null,
        public readonly array $raw = [],
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['email'], (string) $data['expires_at'], isset($data['token']) ? (string) $data['token'] : null, $data);
    }

    /** `expires_at` as a DateTimeImmutable (UTC). */
    public function expires(): \DateTimeImmutable
    {
        return new \DateTimeImmutable($this->expires_at);
    }
}
