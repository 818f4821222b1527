<?php

declare(strict_types=1);

namespace TempMail;

use TempMail\Exception\NotFoundException;
use TempMail\Exception\WaitTimeoutException;
use TempMail\Model\AttachmentContent;
use TempMail\Model\Message;
use TempMail\Model\MessageSummary;

/**
 * Calls that read one mailbox, shared by the keyed (`/v1`, key in a header) and anonymous
 * (`/api`, `token=`) clients: inbox, read, raw, attachment, delete, and the polling wait.
 *
 * @internal
 */
final class MailboxCalls
{
    public function __construct(private readonly Transport $transport, private readonly string $prefix)
    {
    }

    /**
     * @param array<string, string> $auth
     *
     * @return list<MessageSummary>
     */
    public function inbox(array $auth, ?int $limit = null, ?string $before = null): array
    {
        $list = $this->transport->json('GET', "$this->prefix/inbox.php", $auth + ['limit' => $limit, 'before' => $before]);

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
