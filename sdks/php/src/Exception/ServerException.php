<?php

declare(strict_types=1);

namespace TempMail\Exception;

/**
 * 5xx: the service failed or is unavailable. `$retryAfter`: the server's `Retry-After` in
 * seconds (a 503 while it is busy or shutting down), or null.
 */
class ServerException extends TempMailException
{
    public function __construct(
        string $message,
        int $status = 0,
        string $errorCode = 'error',
        mixed $body = null,
        ?\Throwable $previous = null,
        public readonly ?float $retryAfter = null,
    ) {
        parent::__construct($message, $status, $errorCode, $body, $previous);
    }
}
