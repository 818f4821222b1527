<?php

declare(strict_types=1);

namespace TempMail\Model;

/** The bytes of one attachment, with the name and type the server sent. */
final class AttachmentContent
{
    public function __construct(
        public readonly string $filename,
        public readonly string $content_type,
        public readonly string $data,
    ) {
    }
}
