<?php

declare(strict_types=1);

namespace TempMail\Model;

/** One delivery attempt in a webhook's log; `outcome` is delivered, failed, disabled or gave_up. */
final class WebhookDelivery
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $message_id,
        public readonly int $attempt,
        public readonly string $at,
        public readonly ?int $status_code,
        public readonly ?int $latency_ms,
        public readonly ?string $error,
        public readonly string $outcome,
        public readonly array $raw = [],
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            (string) $data['message_id'],
            (int) ($data['attempt'] ?? 0),
            (string) ($data['at'] ?? ''),
            isset($data['status_code']) ? (int) $data['status_code'] : null,
            isset($data['latency_ms']) ? (int) $data['latency_ms'] : null,
            isset($data['error']) ? (string) $data['error'] : null,
            (string) ($data['outcome'] ?? ''),
            $data,
        );
    }
}
