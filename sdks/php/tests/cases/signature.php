<?php

declare(strict_types=1);

use TempMail\Exception\TempMailException;
use TempMail\WebhookSignature;
use TempMailTests\Harness as T;

$secret = 'whsec_test_0123456789abcdef';
$body = '{"event":"message.received","id":"msg_1","email":"a@tempmail.local","sender":"s@example.com","subject":"Hi ✓","otp":"482910","confirmation_link":null,"received_at":"2026-03-07T13:05:22Z"}';
$header = static fn (int $t, ?string $b = null, ?string $s = null): string => "t=$t,v1=" . hash_hmac('sha256', "$t." . ($b ?? $body), $s ?? $secret);

T::test('signature: accepts the server-style signature', static function () use ($secret, $body, $header): void {
    T::ok(WebhookSignature::verify($secret, $header(time()), $body));
});

T::test('signature: refuses a wrong secret, an altered body, a stale or future timestamp', static function () use ($secret, $body, $header): void {
    $now = time();
    T::ok(!WebhookSignature::verify('whsec_other', $header($now), $body), 'wrong secret');
    T::ok(!WebhookSignature::verify($secret, $header($now), str_replace('482910', '000000', $body)), 'altered body');
    T::ok(!WebhookSignature::verify($secret, $header($now - 301), $body, 300, $now), 'stale');
    T::ok(!WebhookSignature::verify($secret, $header($now + 301), $body, 300, $now), 'future');
    T::ok(WebhookSignature::verify($secret, $header($now - 299), $body, 300, $now), 'within tolerance');
    T::ok(WebhookSignature::verify($secret, $header($now - 1000), $body, 2000, $now), 'wider tolerance');
    T::ok(WebhookSignature::verify($secret, $header($now - 100000), $body, 0), 'tolerance 0 skips the time check');
});

T::test('signature: malformed headers are false, several v1 and upper-case hex are fine', static function () use ($secret, $body, $header): void {
    $now = time();
    foreach ([null, '', 'garbage', "t=$now", 'v1=' . str_repeat('a', 64), 't=abc,v1=' . str_repeat('a', 64), "t=$now,v1=xyz", "t=$now,v1=" . str_repeat('a', 63)] as $h) {
        T::ok(!WebhookSignature::verify($secret, $h, $body), 'malformed: ' . var_export($h, true));
    }
    $good = explode('v1=', $header($now))[1];
    T::ok(WebhookSignature::verify($secret, "t=$now,v1=" . str_repeat('0', 64) . ",v1=$good", $body));
    T::ok(WebhookSignature::verify($secret, "t=$now,v1=" . strtoupper($good), $body));
});

T::test('signature: sign() and parseEvent()', static function () use ($secret, $body, $header): void {
    $now = time();
    T::same($header($now), WebhookSignature::sign($secret, $body, $now));
    $event = WebhookSignature::parseEvent($secret, $header($now), $body);
    T::same(['message.received', '482910', 'Hi ✓'], [$event->event, $event->otp, $event->subject]);
    T::same(null, $event->sender_name); // a body without sender_name (an older server)
    $named = str_replace('"received_at"', '"sender_name":"Acme ✓","received_at"', $body);
    T::same('Acme ✓', WebhookSignature::parseEvent($secret, WebhookSignature::sign($secret, $named, $now), $named)->sender_name);
    $e = T::throws(TempMailException::class, static fn () => WebhookSignature::parseEvent($secret, $header($now - 1000), $body));
    T::same('invalid_signature', $e->errorCode);
});
