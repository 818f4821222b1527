<?php

declare(strict_types=1);

namespace TempMail\Model;

use Psr\Http\Message\ResponseInterface;

/** `X-RateLimit-*` of the latest answer; `reset` in seconds as sent, `resetAt` computed on arrival. */
final class RateLimit
{
    public function __construct(
        public readonly int $limit,
        public readonly int $remaining,
        public readonly int $reset,
        public readonly \DateTimeImmutable $resetAt,
    ) {
    }

    /** From an answer's headers; null when one of the three is missing. */
    public static function fromResponse(ResponseInterface $response): ?self
    {
        foreach (['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as $name) {
            if (!is_numeric($response->getHeaderLine($name))) {
                return null;
            }
        }
        $reset = (int) $response->getHeaderLine('X-RateLimit-Reset');

        return new self(
            (int) $response->getHeaderLine('X-RateLimit-Limit'),
            (int) $response->getHeaderLine('X-RateLimit-Remaining'),
            $reset,
            new \DateTimeImmutable('@' . (time() + $reset)),
        );
    }
}
