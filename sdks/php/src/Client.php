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
use TempMail\Model\OwnedMailbox;
use TempMail\Model\RateLimit;

/**
 * Client of the keyed API v1 over any PSR-18 HTTP client and PSR-17 factories. The key is sent
 * as `Authorization: Bearer`. Timeouts are the PSR-18 client's (e.g. Guzzle's `timeout`).
 *
 * ```php
 * $factory = new \GuzzleHttp\Psr7\HttpFactory();
 * $tm = new \TempMail\Client('tm_...', new \GuzzleHttp\Client(['timeout' => 30]), $factory, $factory);
 * $box = $tm->generate();
 * echo $tm->waitForOtp($box->email, timeout: 60);   // held on the server, no polling
 * ```
 *
 * `$maxRetries` (0..5, default 3) retries a 429 or 503 answer after its `Retry-After` (1 s when
 * it has none) when that is at most `$maxRetryDelay` seconds; 0 throws at once.
 * `$waitHoldSeconds` (default 25, at most 60) is how long the server holds one wait request:
 * keep it below the PSR-18 client's timeout (Guzzle's `timeout` option).
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
        int $maxRetries = Transport::DEFAULT_MAX_RETRIES,
        float $maxRetryDelay = 60.0,
        array $headers = [],
        float $waitHoldSeconds = 25.0,
    ) {
        if ($key === '') {
            throw new \InvalidArgumentException('TempMail\Client: the API key is required');
        }
        $this->transport = new Transport($httpClient, $requestFactory, $streamFactory, $baseUrl, $key, $maxRetries, $maxRetryDelay, $headers);
        $this->calls = new MailboxCalls($this->transport, '/v1', max(0.001, min(60.0, $waitHoldSeconds)));
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
     * The key's live mailboxes, newest first; `$before` is the last address of the previous page.
     *
     * @return list<OwnedMailbox>
     */
    public function mailboxes(?int $limit = null, ?string $before = null): array
    {
        $list = $this->transport->json('GET', '/v1/mailboxes.php', ['limit' => $limit, 'before' => $before]);

        return array_map(static fn (array $m) => OwnedMailbox::fromArray($m), $list);
    }

    /**
     * Every live mailbox of the key, page by page (newest first).
     *
     * @return \Generator<int, OwnedMailbox>
     */
    public function allMailboxes(int $pageSize = 100): \Generator
    {
        $before = null;
        do {
            $page = $this->mailboxes($pageSize, $before);
            yield from $page;
            $before = $page === [] ? null : $page[count($page) - 1]->email;
        } while (count($page) === $pageSize);
    }

    /**
     * Message summaries, newest first; `$limit` and `$before` (a message id) page through them;
     * `$match` (`otp`, `link`, `any`), `$from` (address or display name contains), `$subject`
     * (contains) and `$since` (a message id, or a time) filter them on the server; so do
     * `$fromDomain` (the sender's domain is it or under it) and `$requireAuth` (with
     * `$fromDomain`: a domain the server authenticated the message for, so a forged From does
     * not count; alone: DMARC passed).
     *
     * @return list<MessageSummary>
     */
    public function inbox(
        string $email,
        ?int $limit = null,
        ?string $before = null,
        ?string $match = null,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): array {
        return $this->calls->inbox(['email' => $email], $limit, $before, MailboxCalls::filters($match, $from, $subject, $since, $fromDomain, $requireAuth));
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

    /** Deletes one message (its raw source and attachments too); NotFoundException when it is not there. */
    public function deleteMessage(string $email, string $id): bool
    {
        return $this->calls->deleteMessage(['email' => $email], $id);
    }

    /** Deletes the mailbox and its messages now. */
    public function delete(string $email): bool
    {
        return $this->calls->delete(['email' => $email]);
    }

    /**
     * The first message (already there or arriving, oldest first) that passes the filters (as
     * in inbox()) and `$predicate`, fully read; throws WaitTimeoutException after `$timeout`
     * seconds. The server holds the request (`/v1/wait.php`); `$transport = 'poll'` (or a server
     * without it) lists the inbox every `$interval` seconds instead.
     *
     * @param null|callable(Message): bool $predicate
     */
    public function waitForMessage(
        string $email,
        float $timeout = 30.0,
        ?callable $predicate = null,
        float $interval = 1.0,
        ?string $match = null,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        string $transport = 'auto',
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): Message {
        return $this->calls->wait(['email' => $email], MailboxCalls::filters($match, $from, $subject, $since, $fromDomain, $requireAuth), $timeout, $predicate, $transport, $interval);
    }

    /** The code of the first message that has one (waitForMessage with `match: 'otp'`). */
    public function waitForOtp(
        string $email,
        float $timeout = 30.0,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): string
    {
        return (string) $this->waitForMessage($email, $timeout, null, 1.0, 'otp', $from, $subject, $since, 'auto', $fromDomain, $requireAuth)->otp;
    }

    /** The confirmation link of the first message that has one (`match: 'link'`). */
    public function waitForLink(
        string $email,
        float $timeout = 30.0,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): string
    {
        return (string) $this->waitForMessage($email, $timeout, null, 1.0, 'link', $from, $subject, $since, 'auto', $fromDomain, $requireAuth)->confirmation_link;
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['baseUrl' => $this->transport->baseUrl, 'rateLimit' => $this->transport->rateLimit];
    }
}
