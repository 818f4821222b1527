<?php

declare(strict_types=1);

namespace TempMail;

use TempMail\Model\Domain;

/** `$client->domains()`: custom receiving domains (premium keys). */
final class Domains
{
    /** @internal */
    public function __construct(private readonly Transport $transport)
    {
    }

    /** Claims `$domain` for the key (the server checks its MX record once right away). */
    public function create(string $domain): Domain
    {
        return Domain::fromArray($this->transport->json('POST', '/v1/domains.php', [], ['domain' => $domain]));
    }

    /**
     * The key's domains, oldest first; `$verify` re-checks every MX record first.
     *
     * @return list<Domain>
     */
    public function list(bool $verify = false): array
    {
        $rows = $this->transport->json('GET', '/v1/domains.php', ['verify' => $verify ? 1 : null]);

        return array_map(static fn (array $d) => Domain::fromArray($d), $rows);
    }

    /** One of the key's domains (NotFoundException when it is not the key's). */
    public function get(string $domain, bool $verify = false): Domain
    {
        return Domain::fromArray($this->transport->json('GET', '/v1/domains.php', ['domain' => $domain, 'verify' => $verify ? 1 : null]));
    }

    /** Checks the domain's MX record now and answers its new status. */
    public function verify(string $domain): Domain
    {
        return $this->get($domain, true);
    }

    /** Releases the domain: its addresses stop receiving mail. */
    public function delete(string $domain): bool
    {
        return (bool) ($this->transport->json('DELETE', '/v1/domains.php', ['domain' => $domain])['deleted'] ?? true);
    }
}
