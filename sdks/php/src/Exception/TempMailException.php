<?php

declare(strict_types=1);

namespace TempMail\Exception;

/**
 * Base class of every exception this SDK throws. HTTP errors carry the contract's
 * `{"error":{"code","message"}}`: `$status` is the HTTP status (0 when no HTTP answer came),
 * `$errorCode` the API's code (`not_found`, `rate_limited`, ...) or an SDK code
 * (`network_error`, `wait_timeout`, `invalid_signature`), `$body` the parsed error body.
 * `getCode()` answers the HTTP status too.
 */
class TempMailException extends \RuntimeException
{
    public function __construct(
        string $message,
        public readonly int $status = 0,
        public readonly string $errorCode = 'error',
        public readonly mixed $body = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $status, $previous);
    }

    /** The API's error code, e.g. `not_found`. */
    public function getErrorCode(): string
    {
        return $this->errorCode;
    }

    /** The HTTP status, or 0 when no HTTP answer was received. */
    public function getStatus(): int
    {
        return $this->status;
    }
}
