<?php

declare(strict_types=1);

namespace TempMail;

use Psr\Http\Client\ClientInterface;
use Psr\Http\Message\RequestFactoryInterface;
use Psr\Http\Message\StreamFactoryInterface;
use TempMail\Model\AttachmentContent;
use TempMail\Model\Mailbox;
use TempMail\Model\Message;
use TempMail\Model\MessageSummary;
use TempMail\Model\RateLimit;

/**
 * Client of the keyed API v1 over any PSR-18 HTTP client and PSR-17 factories. The key is sent
 * as `Authorization: Bearer`. Timeouts are the PSR-18 client's (e.g. Guzzle's `timeout`).
 *
 * ```php
 * $factory = new \GuzzleHttp\Psr7\HttpFactory();
 * $tm = new \TempMail\Client('tm_...', new \GuzzleHttp\Client(['timeout' => 30]), $factory, $factory);
 * $box = $tm->generate();
 * echo $tm->waitForMessage($box->email, timeout: 60)->otp;
 * ```
 *
 * `$maxRetries` (0..5, default 0) retries a 429 answer after its `Retry-After` when that is at
 * most `$maxRetryDelay` seconds.
 */
final class Client
{
    private readonly Transport $transport;
    private readonly MailboxCalls $calls;
    private readonly Webhooks $webhooks;
    private readonly Domains $domains;

    /** @param array<string, string> $headers extra headers sent with every request */
    public function __construct(
        #[\SensitiveParameter] string $key,
        ClientInterface $httpClient,
        RequestFactoryInterface $requestFactory,
        StreamFactoryInterface $streamFactory,
        string $baseUrl = Transport::DEFAULT_BASE_URL,
        int $maxRetries = 0,
        float $maxRetryDelay = 60.0,
        array $headers = [],
    ) {
        if ($key === '') {
            throw new \InvalidArgumentException('TempMail\Client: the API key is required');
        }
        $this->transport = new Transport($httpClient, $requestFactory, $streamFactory, $baseUrl, $key, $maxRetries, $maxRetryDelay, $headers);
        $this->calls = new MailboxCalls($this->transport, '/v1');
        $this->webhooks = new Webhooks($this->transport);
        $this->domains = new Domains($this->transport);
    }

    /** Webhook calls (premium). */
    public function webhooks(): Webhooks
    {
        return $this->webhooks;
    }

    /** Custom-domain calls (premium). */
    public function domains(): Domains
    {
        return $this->domains;
    }

    /** `X-RateLimit-*` of the latest answer; null before the first call. */
    public function rateLimit(): ?RateLimit
    {
        return $this->transport->rateLimit;
    }

    public function baseUrl(): string
    {
        return $this->transport->baseUrl;
    }

    /** Makes a new mailbox owned by the key (`$domain`: a service or verified custom domain). */
    public function generate(?string $domain = null, ?int $ttl = null): Mailbox
    {
        return Mailbox::fromArray($this->transport->json('GET', '/v1/generate_email.php', ['domain' => $domain, 'ttl' => $ttl]));
    }

    /**
     * Message summaries, newest first; `$limit` and `$before` (a message id) page through them.
     *
     * @return list<MessageSummary>
     */
    public function inbox(string $email, ?int $limit = null, ?string $before = null): array
    {
        return $this->calls->inbox(['email' => $email], $limit, $before);
    }

    /**
     * Every summary of the mailbox, page by page (newest first).
     *
     * @return \Generator<int, MessageSummary>
     */
    public function messages(string $email, int $pageSize = 100): \Generator
    {
        return $this->calls->all(['email' => $email], $pageSize);
    }

    /** One message with body, html, otp, confirmation_link and attachment list. */
    public function read(string $email, string $id): Message
    {
        return $this->calls->read(['email' => $email], $id);
    }

    /** The original message (RFC 822 bytes). */
    public function raw(string $email, string $id): string
    {
        return $this->calls->raw(['email' => $email], $id);
    }

    /** Attachment `$index` (0-based, the order of `$message->attachments`). */
    public function attachment(string $email, string $id, int $index): AttachmentContent
    {
        return $this->calls->attachment(['email' => $email], $id, $index);
    }

    /** Deletes the mailbox and its messages now. */
    public function delete(string $email): bool
    {
        return $this->calls->delete(['email' => $email]);
    }

    /**
     * Polls the inbox until a message (already there or new) matches `$predicate` (default: any)
     * and answers it, fully read; throws WaitTimeoutException after `$timeout` seconds.
     *
     * @param null|callable(Message): bool $predicate
     */
    public function waitForMessage(string $email, float $timeout = 30.0, ?callable $predicate = null, float $interval = 1.0): Message
    {
        return $this->calls->waitFor(['email' => $email], $timeout, $predicate, $interval);
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['baseUrl' => $this->transport->baseUrl, 'rateLimit' => $this->transport->rateLimit];
    }
}
