<?php

declare(strict_types=1);

namespace TempMail\Model;

/** One link a person can click: `$url` as the message has it, `$text` what it shows. */
final class MessageLink
{
    public function __construct(public readonly string $url, public readonly string $text)
    {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['url'], (string) ($data['text'] ?? ''));
    }
}
