<?php

declare(strict_types=1);

namespace TempMail;

use Psr\Http\Client\ClientExceptionInterface;
use Psr\Http\Client\ClientInterface;
use Psr\Http\Message\RequestFactoryInterface;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\StreamFactoryInterface;
use TempMail\Exception\AuthenticationException;
use TempMail\Exception\BadRequestException;
use TempMail\Exception\ConflictException;
use TempMail\Exception\NetworkException;
use TempMail\Exception\NotFoundException;
use TempMail\Exception\PayloadTooLargeException;
use TempMail\Exception\PermissionDeniedException;
use TempMail\Exception\RateLimitException;
use TempMail\Exception\ServerException;
use TempMail\Exception\TempMailException;
use TempMail\Model\RateLimit;

/**
 * The HTTP layer behind the clients (internal): builds PSR-7 requests with the PSR-17
 * factories, sends them with the PSR-18 client, maps errors to exceptions, records
 * `X-RateLimit-*`, and retries 429 and 503 answers after `Retry-After` (3 times by default).
 *
 * @internal
 */
final class Transport
{
    public const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
    public const DEFAULT_MAX_RETRIES = 3;
    public const VERSION = '0.2.0';

    private const BY_STATUS = [
        400 => BadRequestException::class,
        401 => AuthenticationException::class,
        403 => PermissionDeniedException::class,
        404 => NotFoundException::class,
        409 => ConflictException::class,
        413 => PayloadTooLargeException::class,
        414 => PayloadTooLargeException::class,
    ];

    public ?RateLimit $rateLimit = null;
    public readonly string $baseUrl;
    private readonly int $maxRetries;

    /** @param array<string, string> $headers */
    public function __construct(
        private readonly ClientInterface $http,
        private readonly RequestFactoryInterface $requests,
        private readonly StreamFactoryInterface $streams,
        string $baseUrl,
        #[\SensitiveParameter] private readonly ?string $key,
        int $maxRetries = self::DEFAULT_MAX_RETRIES,
        private readonly float $maxRetryDelay = 60.0,
        private readonly array $headers = [],
    ) {
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->maxRetries = max(0, min(5, $maxRetries));
    }

    /** @param array<string, scalar|null> $query */
    public function url(string $path, array $query = []): string
    {
        $qs = self::encode($query);

        return $this->baseUrl . $path . ($qs === '' ? '' : '?' . $qs);
    }

    /**
     * Sends and decodes a JSON answer.
     *
     * @param array<string, scalar|null>      $query
     * @param array<string, scalar|null>|null $form
     */
    public function json(string $method, string $path, array $query = [], ?array $form = null): mixed
    {
        $response = $this->send($method, $path, $query, $form);
        try {
            return json_decode((string) $response->getBody(), true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new TempMailException("Expected JSON from $path", $response->getStatusCode(), 'bad_response', (string) $response->getBody(), $e);
        }
    }

    /**
     * Sends; answers the 2xx response or throws the fitting TempMailException.
     *
     * @param array<string, scalar|null>      $query
     * @param array<string, scalar|null>|null $form
     */
    public function send(string $method, string $path, array $query = [], ?array $form = null): ResponseInterface
    {
        for ($attempt = 0; ; $attempt++) {
            $response = $this->once($method, $path, $query, $form);
            $status = $response->getStatusCode();
            if ($status >= 200 && $status < 300) {
                return $response;
            }
            $error = $this->error($response);
            $retryable = $error instanceof RateLimitException || ($error instanceof ServerException && $status === 503);
            if ($retryable && $attempt < $this->maxRetries) {
                $delay = $error->retryAfter ?? 1.0;
                if ($delay <= $this->maxRetryDelay) {
                    usleep((int) round($delay * 1_000_000));
                    continue;
                }
            }
            throw $error;
        }
    }

    /**
     * @param array<string, scalar|null>      $query
     * @param array<string, scalar|null>|null $form
     */
    private function once(string $method, string $path, array $query, ?array $form): ResponseInterface
    {
        $request = $this->requests->createRequest($method, $this->url($path, $query))
            ->withHeader('Accept', 'application/json')
            ->withHeader('User-Agent', 'tempmail-php/' . self::VERSION);
        foreach ($this->headers as $name => $value) {
            $request = $request->withHeader($name, $value);
        }
        if ($this->key !== null) {
            $request = $request->withHeader('Authorization', 'Bearer ' . $this->key);
        }
        if ($form !== null) {
            $request = $request->withHeader('Content-Type', 'application/x-www-form-urlencoded')
                ->withBody($this->streams->createStream(self::encode($form)));
        }
        try {
            $response = $this->http->sendRequest($request);
        } catch (ClientExceptionInterface $e) {
            throw new NetworkException("$method $path failed: " . $e->getMessage(), 0, 'network_error', null, $e);
        }
        $this->rateLimit = RateLimit::fromResponse($response) ?? $this->rateLimit;

        return $response;
    }

    private function error(ResponseInterface $response): TempMailException
    {
        $status = $response->getStatusCode();
        $text = (string) $response->getBody();
        $code = "http_$status";
        $message = "HTTP $status";
        $body = json_decode($text, true);
        if (is_array($body) && is_array($body['error'] ?? null)) {
            $code = is_string($body['error']['code'] ?? null) ? $body['error']['code'] : $code;
            $message = is_string($body['error']['message'] ?? null) ? $body['error']['message'] : $message;
        } elseif ($body === null) {
            $body = $text;
            if (trim($text) !== '') {
                $message = "HTTP $status: " . substr(trim($text), 0, 200);
            }
        }
        if ($status === 429) {
            return new RateLimitException($message, $status, $code, $body, self::retryAfter($response->getHeaderLine('Retry-After')), $this->rateLimit);
        }
        if (!isset(self::BY_STATUS[$status]) && $status >= 500) {
            return new ServerException($message, $status, $code, $body, null, self::retryAfter($response->getHeaderLine('Retry-After')));
        }
        $class = self::BY_STATUS[$status] ?? TempMailException::class;

        return new $class($message, $status, $code, $body);
    }

    /** `Retry-After` in seconds (delta-seconds or an HTTP date), or null. */
    public static function retryAfter(string $value): ?float
    {
        $value = trim($value);
        if ($value === '') {
            return null;
        }
        if (is_numeric($value)) {
            return max(0.0, (float) $value);
        }
        $time = strtotime($value);

        return $time === false ? null : (float) max(0, $time - time());
    }

    /** The file name of a `Content-Disposition` header (RFC 6266 `filename*` preferred). */
    public static function dispositionFilename(string $header): ?string
    {
        if (preg_match("/filename\\*\\s*=\\s*([^']*)'[^']*'([^;]+)/i", $header, $m)) {
            return rawurldecode(trim($m[2]));
        }
        if (preg_match('/filename\s*=\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]+))/i', $header, $m)) {
            return isset($m[2]) ? trim($m[2]) : stripslashes($m[1]);
        }

        return null;
    }

    /** @param array<string, scalar|null> $params */
    private static function encode(array $params): string
    {
        $pairs = [];
        foreach ($params as $k => $v) {
            if ($v === null) {
                continue;
            }
            $pairs[] = rawurlencode((string) $k) . '=' . rawurlencode(is_bool($v) ? ($v ? '1' : '0') : (string) $v);
        }

        return implode('&', $pairs);
    }

    /** var_dump()/print_r() without the key. @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['baseUrl' => $this->baseUrl, 'rateLimit' => $this->rateLimit];
    }
}
