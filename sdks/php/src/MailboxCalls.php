<?php

declare(strict_types=1);

namespace TempMail;

use TempMail\Exception\NotFoundException;
use TempMail\Exception\TempMailException;
use TempMail\Exception\WaitTimeoutException;
use TempMail\Model\AttachmentContent;
use TempMail\Model\Message;
use TempMail\Model\MessageSummary;

/**
 * Calls that read one mailbox, shared by the keyed (`/v1`, key in a header) and anonymous
 * (`/api`, `token=`) clients: inbox (with filters), read, raw, attachment, delete, delete one
 * message, and the wait.
 *
 * The wait is held on the server (`wait.php`): one request at a time, each at most
 * `$holdSeconds` (the PSR-18 client's own timeout must be longer), renewed after its 408 until
 * the caller's timeout. A predicate the server cannot evaluate is checked here; a message it
 * refuses moves `since` past it. A server without `wait.php` (404 `unknown_endpoint`) is polled.
 *
 * @internal
 */
final class MailboxCalls
{
    public const MATCHES = ['any', 'otp', 'link'];

    public function __construct(
        private readonly Transport $transport,
        private readonly string $prefix,
        private readonly float $holdSeconds = 25.0,
    ) {
    }

    /**
     * The query form of the filters of `inbox.php` and `wait.php`. `$fromDomain`: the sender's
     * domain is this one or under it; with `$requireAuth`, a domain the server authenticated the
     * message for (DMARC-aligned From or a passing DKIM `d=`: a forged From does not count);
     * `$requireAuth` alone: DMARC passed.
     *
     * @return array<string, string|null>
     */
    public static function filters(
        ?string $match,
        ?string $from,
        ?string $subject,
        string|\DateTimeInterface|null $since,
        ?string $fromDomain = null,
        bool $requireAuth = false,
    ): array {
        if ($match !== null && !in_array($match, self::MATCHES, true)) {
            throw new \InvalidArgumentException("match must be one of any, otp, link; not $match");
        }
        if ($since instanceof \DateTimeInterface) {
            $since = \DateTimeImmutable::createFromInterface($since)->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s\Z');
        }

        return [
            'match' => $match === 'any' ? null : $match, 'from' => $from, 'subject' => $subject, 'since' => $since,
            'from_domain' => $fromDomain, 'require_auth' => $requireAuth ? '1' : null,
        ];
    }

    /**
     * @param array<string, string>       $auth
     * @param array<string, string|null>  $filters
     *
     * @return list<MessageSummary>
     */
    public function inbox(array $auth, ?int $limit = null, ?string $before = null, array $filters = []): array
    {
        $list = $this->transport->json('GET', "$this->prefix/inbox.php", $auth + ['limit' => $limit, 'before' => $before] + $filters);

        return array_map(static fn (array $m) => MessageSummary::fromArray($m), $list);
    }

    /**
     * @param array<string, string> $auth
     *
     * @return \Generator<int, MessageSummary>
     */
    public function all(array $auth, int $pageSize): \Generator
    {
        $before = null;
        do {
            $page = $this->inbox($auth, $pageSize, $before);
            yield from $page;
            $before = $page === [] ? null : $page[count($page) - 1]->id;
        } while (count($page) === $pageSize);
    }

    /** @param array<string, string> $auth */
    public function read(array $auth, string $id): Message
    {
        return Message::fromArray($this->transport->json('GET', "$this->prefix/read.php", $auth + ['id' => $id]));
    }

    /** @param array<string, string> $auth */
    public function raw(array $auth, string $id): string
    {
        return (string) $this->transport->send('GET', "$this->prefix/raw.php", $auth + ['id' => $id])->getBody();
    }

    /** @param array<string, string> $auth */
    public function attachment(array $auth, string $id, int $index): AttachmentContent
    {
        $response = $this->transport->send('GET', "$this->prefix/attachment.php", $auth + ['id' => $id, 'index' => $index]);

        return new AttachmentContent(
            Transport::dispositionFilename($response->getHeaderLine('Content-Disposition')) ?? "attachment-$index",
            $response->getHeaderLine('Content-Type') ?: 'application/octet-stream',
            (string) $response->getBody(),
        );
    }

    /** @param array<string, string> $auth */
    public function deleteMessage(array $auth, string $id): bool
    {
        return (bool) ($this->transport->json('POST', "$this->prefix/delete_message.php", [], $auth + ['id' => $id])['deleted'] ?? true);
    }

    /**
     * Waits on the server (or polls, see the class comment) for the first message that passes
     * the filters and `$predicate`.
     *
     * @param array<string, string>        $auth
     * @param array<string, string|null>   $filters from filters()
     * @param null|callable(Message): bool $predicate
     */
    public function wait(array $auth, array $filters, float $timeout, ?callable $predicate, string $transport, float $interval): Message
    {
        if (!in_array($transport, ['auto', 'server', 'poll'], true)) {
            throw new \InvalidArgumentException("transport must be auto, server or poll; not $transport");
        }
        $deadline = microtime(true) + $timeout;
        if ($transport !== 'poll') {
            while (true) {
                $left = $deadline - microtime(true);
                if ($left <= 0) {
                    throw new WaitTimeoutException("No matching message within $timeout s", 0, 'wait_timeout');
                }
                $hold = sprintf('%.3f', max(0.001, min($this->holdSeconds, $left)));
                try {
                    $message = Message::fromArray($this->transport->json('GET', "$this->prefix/wait.php", $auth + $filters + ['timeout' => $hold]));
                } catch (TempMailException $e) {
                    if ($e->status === 408) {
                        continue; // held to its end: ask again while time is left
                    }
                    if ($transport === 'auto' && $e instanceof NotFoundException && $e->errorCode === 'unknown_endpoint') {
                        break;
                    }
                    throw $e;
                }
                if ($predicate === null || $predicate($message)) {
                    return $message;
                }
                $filters['since'] = $message->id;
            }
        }

        return $this->waitFor($auth, max(0.0, $deadline - microtime(true)), static fn (Message $m) => self::matches($filters, $m) && ($predicate === null || $predicate($m)), $interval);
    }

    /**
     * The filters checked here (for a server without `wait.php`); a message-id `since` passes.
     *
     * @param array<string, string|null> $filters
     */
    private static function matches(array $filters, Message $m): bool
    {
        $match = $filters['match'] ?? null;
        if (($match === 'otp' && $m->otp === null) || ($match === 'link' && $m->confirmation_link === null)) {
            return false;
        }
        $from = $filters['from'] ?? null;
        if ($from !== null && $from !== '' && stripos($m->sender, $from) === false && stripos((string) $m->sender_name, $from) === false) {
            return false;
        }
        $subject = $filters['subject'] ?? null;
        if ($subject !== null && $subject !== '' && stripos($m->subject, $subject) === false) {
            return false;
        }
        if (!self::senderVerified($filters, $m)) {
            return false;
        }
        $since = $filters['since'] ?? null;
        if ($since !== null && !str_starts_with($since, 'msg_')) {
            return new \DateTimeImmutable($m->date_received) >= new \DateTimeImmutable($since);
        }

        return true;
    }

    /**
     * `from_domain` / `require_auth`, as the server applies them.
     *
     * @param array<string, string|null> $filters
     */
    private static function senderVerified(array $filters, Message $m): bool
    {
        $wanted = ($filters['from_domain'] ?? null) === null ? null : rtrim(strtolower((string) $filters['from_domain']), '.');
        $under = static fn (string $domain) => $domain === $wanted || str_ends_with($domain, ".$wanted");
        if (($filters['require_auth'] ?? null) === '1') {
            if ($m->authentication === null) {
                return false;
            }
            if ($wanted === null) {
                return ($m->authentication->dmarc['result'] ?? null) === 'pass';
            }

            return array_filter($m->authentication->verified_domains, $under) !== [];
        }
        if ($wanted === null) {
            return true;
        }
        $at = strrpos($m->sender, '@');

        return $at !== false && $at > 0 && $under(strtolower(substr($m->sender, $at + 1)));
    }

    /** @param array<string, string> $auth */
    public function delete(array $auth): bool
    {
        return (bool) ($this->transport->json('POST', "$this->prefix/delete.php", [], $auth)['deleted'] ?? true);
    }

    /**
     * Polls until a message (already there or new) matches `$predicate` (default: any).
     *
     * @param array<string, string>        $auth
     * @param null|callable(Message): bool $predicate
     */
    public function waitFor(array $auth, float $timeout, ?callable $predicate, float $interval): Message
    {
        $deadline = microtime(true) + $timeout;
        $seen = [];
        while (true) {
            foreach (array_reverse($this->inbox($auth)) as $summary) {
                if (isset($seen[$summary->id])) {
                    continue;
                }
                $seen[$summary->id] = true;
                try {
                    $message = $this->read($auth, $summary->id);
                } catch (NotFoundException) {
                    continue;
                }
                if ($predicate === null || $predicate($message)) {
                    return $message;
                }
            }
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                throw new WaitTimeoutException("No matching message within $timeout s", 0, 'wait_timeout');
            }
            usleep((int) (min($interval, $left) * 1_000_000));
        }
    }
}
