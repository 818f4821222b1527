<?php

declare(strict_types=1);

namespace TempMail\Model;

/**
 * Who really sent a message, as the server checked it after receiving it: the SPF, DKIM (one
 * entry per signature), DMARC and ARC results with their wire fields (e.g. `$dmarc['result']`),
 * and `$verified_domains`: the From domain when DMARC passed, then each passing DKIM `d=`.
 */
final class Authentication
{
    /**
     * @param array<string, mixed>       $spf
     * @param list<array<string, mixed>> $dkim
     * @param array<string, mixed>       $dmarc
     * @param array<string, mixed>       $arc
     * @param list<string>               $verified_domains
     */
    public function __construct(
        public readonly array $spf,
        public readonly array $dkim,
        public readonly array $dmarc,
        public readonly array $arc,
        public readonly array $verified_domains,
    ) {
    }

    /** @param array<string, mixed> $data */
    public static function fromArray(array $data): self
    {
        return new self(
            (array) ($data['spf'] ?? []),
            array_values((array) ($data['dkim'] ?? [])),
            (array) ($data['dmarc'] ?? []),
            (array) ($data['arc'] ?? []),
            array_values(array_map('strval', (array) ($data['verified_domains'] ?? []))),
        );
    }
}
