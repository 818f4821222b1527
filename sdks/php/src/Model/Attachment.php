<?php

declare(strict_types=1);

namespace TempMail\Model;

/** Metadata of one attachment; fetch its bytes with `attachment($email, $id, $index)`. */
final class Attachment
{
    /** @param array<string, mixed> $raw */
    public function __construct(
        public readonly string $filename,
        public readonly string $content_type,
        public readonly int $size,
        public readonly array $raw = [],
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self((string) $data['filename'], (string) $data['content_type'], (int) $data['size'], $data);
    }
}
