<?php

declare(strict_types=1);

namespace TempMail;

use TempMail\Exception\TempMailException;
use TempMail\Model\WebhookEvent;

/**
 * Webhook signatures: `X-TempMail-Signature: t=UNIX_SECONDS,v1=HEX`, where HEX is HMAC-SHA256
 * over `t . "." . body` keyed with the webhook's secret (the whole `whsec_...` string).
 *
 * ```php
 * $body = file_get_contents('php://input');   // the RAW body, before json_decode
 * if (!WebhookSignature::verify($secret, $_SERVER['HTTP_X_TEMPMAIL_SIGNATURE'] ?? '', $body)) {
 *     http_response_code(400); exit;
 * }
 * ```
 */
final class WebhookSignature
{
    /**
     * True when `$header` signs `$body` (the raw request body) with `$secret` and its timestamp
     * is within `$toleranceSeconds` of now (`0` or less skips the time check). Compares with
     * hash_equals (constant time).
     */
    public static function verify(#[\SensitiveParameter] string $secret, ?string $header, string $body, int $toleranceSeconds = 300, ?int $now = null): bool
    {
        if ($secret === '' || $header === null || $header === '') {
            return false;
        }
        $parsed = self::parseHeader($header);
        if ($parsed === null) {
            return false;
        }
        [$t, $candidates] = $parsed;
        if ($toleranceSeconds > 0 && abs(($now ?? time()) - $t) > $toleranceSeconds) {
            return false;
        }
        $expected = hash_hmac('sha256', $t . '.' . $body, $secret);
        $ok = false;
        foreach ($candidates as $candidate) {
            $ok = hash_equals($expected, $candidate) || $ok;
        }

        return $ok;
    }

    /** The header value the server would send for `$body` at `$t` (for your tests). */
    public static function sign(#[\SensitiveParameter] string $secret, string $body, ?int $t = null): string
    {
        $t ??= time();

        return "t=$t,v1=" . hash_hmac('sha256', $t . '.' . $body, $secret);
    }

    /** Verifies a delivery and parses its event; throws TempMailException (`invalid_signature`) when it does not verify. */
    public static function parseEvent(#[\SensitiveParameter] string $secret, ?string $header, string $body, int $toleranceSeconds = 300): WebhookEvent
    {
        if (!self::verify($secret, $header, $body, $toleranceSeconds)) {
            throw new TempMailException('Webhook signature does not verify (wrong secret, altered body or stale timestamp)', 0, 'invalid_signature');
        }

        return WebhookEvent::fromArray(json_decode($body, true, 512, JSON_THROW_ON_ERROR));
    }

    /**
     * `[t, [v1, ...]]` from `t=...,v1=...[,v1=...]`; null when malformed.
     *
     * @return array{0: int, 1: list<string>}|null
     */
    public static function parseHeader(string $header): ?array
    {
        $t = null;
        $v1 = [];
        foreach (explode(',', $header) as $part) {
            $pair = explode('=', $part, 2);
            if (count($pair) !== 2) {
                return null;
            }
            [$k, $v] = [trim($pair[0]), trim($pair[1])];
            if ($k === 't') {
                if (!preg_match('/^\d{1,12}$/', $v)) {
                    return null;
                }
                $t = (int) $v;
            } elseif ($k === 'v1' && preg_match('/^[0-9a-fA-F]{64}$/', $v)) {
                $v1[] = strtolower($v);
            }
        }

        return $t === null || $v1 === [] ? null : [$t, $v1];
    }
}
