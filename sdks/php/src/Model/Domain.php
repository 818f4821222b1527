<?php

declare(strict_types=1);

namespace TempMail\Model;

/** A custom receiving domain: `status` is pending, verified or suspended; `mx` the host its MX record must name. */
final class Domain
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $domain,
        public readonly string $status,
        public readonly string $mx,
        public readonly array $raw = [],
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['domain'], (string) $data['status'], (string) $data['mx'], $data);
    }
}
