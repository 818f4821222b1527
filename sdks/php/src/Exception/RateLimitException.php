<?php

declare(strict_types=1);

namespace TempMail\Exception;

use TempMail\Model\RateLimit;

/** 429: rate limited. `$retryAfter` is the server's `Retry-After` in seconds (null when absent). */
class RateLimitException extends TempMailException
{
    public function __construct(
        string $message,
        int $status,
        string $errorCode,
        mixed $body,
        public readonly ?float $retryAfter,
        public readonly ?RateLimit $rateLimit,
    ) {
        parent::__construct($message, $status, $errorCode, $body);
    }

    /** Seconds to wait before trying again, or null. */
    public function getRetryAfter(): ?float
    {
        return $this->retryAfter;
    }
}
