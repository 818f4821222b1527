<?php

declare(strict_types=1);

namespace TempMail\Model;

/**
 * One message as `read.php` answers it, with the extracted `otp` and `confirmation_link`, every
 * clickable link in order (`$links`) and the From header's display name (`$sender_name`).
 * `$authentication` is null until the server has checked the sender (the results follow the
 * message).
 */
final class Message
{
    /**
     * @param list<Attachment>     $attachments in the order `attachment(..., $index)` uses
     * @param array<string, mixed> $raw
     * @param list<MessageLink>    $links
     */
    public function __construct(
        public readonly string $id,
        public readonly string $sender,
        public readonly string $subject,
        public readonly string $date_received,
        public readonly string $email,
        public readonly string $body,
        public readonly ?string $html,
        public readonly ?string $otp,
        public readonly ?string $confirmation_link,
        public readonly array $attachments,
        public readonly array $raw = [],
        public readonly ?string $sender_name = null,
        public readonly array $links = [],
        public readonly ?Authentication $authentication = null,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            (string) $data['id'],
            (string) $data['sender'],
            (string) $data['subject'],
            (string) $data['date_received'],
            (string) $data['email'],
            (string) ($data['body'] ?? ''),
            isset($data['html']) ? (string) $data['html'] : null,
            isset($data['otp']) ? (string) $data['otp'] : null,
            isset($data['confirmation_link']) ? (string) $data['confirmation_link'] : null,
            array_map(static fn (array $a) => Attachment::fromArray($a), $data['attachments'] ?? []),
            $data,
            isset($data['sender_name']) ? (string) $data['sender_name'] : null,
            array_map(static fn (array $l) => MessageLink::fromArray($l), $data['links'] ?? []),
            is_array($data['authentication'] ?? null) ? Authentication::fromArray($data['authentication']) : null,
        );
    }
}
