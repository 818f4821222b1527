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

/**
 * Client of the anonymous API (`/api`): no key; each mailbox is read with the token that
 * `generate()` answered (pass that Mailbox back in).
 */
final class AnonymousClient
{
    private readonly Transport $transport;
    private readonly MailboxCalls $calls;

    public function __construct(
        ClientInterface $httpClient,
        RequestFactoryInterface $requestFactory,
        StreamFactoryInterface $streamFactory,
        string $baseUrl = Transport::DEFAULT_BASE_URL,
        int $maxRetries = Transport::DEFAULT_MAX_RETRIES,
        float $maxRetryDelay = 60.0,
        float $waitHoldSeconds = 25.0,
    ) {
        $this->transport = new Transport($httpClient, $requestFactory, $streamFactory, $baseUrl, null, $maxRetries, $maxRetryDelay);
        $this->calls = new MailboxCalls($this->transport, '/api', max(0.001, min(60.0, $waitHoldSeconds)));
    }

    /** Makes a mailbox; its `token` is the only way to read it. */
    public function generate(?int $ttl = null, ?string $domain = null): Mailbox
    {
        return Mailbox::fromArray($this->transport->json('GET', '/api/generate_email.php', ['ttl' => $ttl, 'domain' => $domain]));
    }

    /** @return list<MessageSummary> */
    public function inbox(
        Mailbox $mailbox,
        ?int $limit = null,
        ?string $before = null,
        ?string $match = null,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): array {
        return $this->calls->inbox(self::auth($mailbox), $limit, $before, MailboxCalls::filters($match, $from, $subject, $since, $fromDomain, $requireAuth));
    }

    public function read(Mailbox $mailbox, string $id): Message
    {
        return $this->calls->read(self::auth($mailbox), $id);
    }

    public function raw(Mailbox $mailbox, string $id): string
    {
        return $this->calls->raw(self::auth($mailbox), $id);
    }

    public function attachment(Mailbox $mailbox, string $id, int $index): AttachmentContent
    {
        return $this->calls->attachment(self::auth($mailbox), $id, $index);
    }

    public function delete(Mailbox $mailbox): bool
    {
        return $this->calls->delete(self::auth($mailbox));
    }

    public function deleteMessage(Mailbox $mailbox, string $id): bool
    {
        return $this->calls->deleteMessage(self::auth($mailbox), $id);
    }

    /**
     * As Client::waitForMessage() (`/api/wait.php`).
     *
     * @param null|callable(Message): bool $predicate
     */
    public function waitForMessage(
        Mailbox $mailbox,
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
        return $this->calls->wait(self::auth($mailbox), MailboxCalls::filters($match, $from, $subject, $since, $fromDomain, $requireAuth), $timeout, $predicate, $transport, $interval);
    }

    public function waitForOtp(
        Mailbox $mailbox,
        float $timeout = 30.0,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): string
    {
        return (string) $this->waitForMessage($mailbox, $timeout, null, 1.0, 'otp', $from, $subject, $since, 'auto', $fromDomain, $requireAuth)->otp;
    }

    public function waitForLink(
        Mailbox $mailbox,
        float $timeout = 30.0,
        ?string $from = null,
        ?string $subject = null,
        string|\DateTimeInterface|null $since = null,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): string
    {
        return (string) $this->waitForMessage($mailbox, $timeout, null, 1.0, 'link', $from, $subject, $since, 'auto', $fromDomain, $requireAuth)->confirmation_link;
    }

    /** @return array<string, string> */
    private static function auth(Mailbox $mailbox): array
    {
        if ($mailbox->token === null || $mailbox->token === '') {
            throw new \InvalidArgumentException('An anonymous mailbox needs its token (use the Mailbox that generate() answered).');
        }

        return ['email' => $mailbox->email, 'token' => $mailbox->token];
    }
}
