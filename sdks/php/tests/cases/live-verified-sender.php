<?php

declare(strict_types=1);

use GuzzleHttp\Client as Guzzle;
use GuzzleHttp\Psr7\HttpFactory;
use TempMail\AnonymousClient;
use TempMail\Client;
use TempMail\Exception\WaitTimeoutException;
use TempMail\Model\Authentication;
use TempMailTests\Harness as T;
use TempMailTests\Live;

/*
 * Live: verified-sender filters (`$fromDomain`, `$requireAuth`) against the service that checks
 * senders (TEMPMAIL_AUTH_*: SPF/DMARC from the test DNS server for TEMPMAIL_AUTH_SENDER_DOMAIN). Mail comes from
 * 127.0.0.1 with that domain's From: a genuine message has its envelope on the domain too (SPF
 * passes and aligns, DMARC passes), a forged one elsewhere (DMARC fails).
 */
$url = Live::env('TEMPMAIL_AUTH_URL');
$domain = Live::env('TEMPMAIL_AUTH_SENDER_DOMAIN');
$port = Live::env('TEMPMAIL_AUTH_SMTP_PORT');
$factory = new HttpFactory();
$tm = new Client(Live::env('TEMPMAIL_AUTH_KEY') ?: 'none', new Guzzle(['timeout' => 40]), $factory, $factory, $url ?: 'http://127.0.0.1:1');
$shopMail = static fn (string $to, string $subject, string $code): string => str_replace(
    'From: Sender <sender@example.com>', "From: Shop <no-reply@$domain>", Live::textMail($to, $subject, "Your code is $code."),
);

T::test('live: waitForOtp with fromDomain + requireAuth passes over a forged From', static function () use ($tm, $url, $domain, $port, $shopMail): void {
    if ($url === '' || $domain === '' || $port === '') {
        T::skip('TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_SMTP_PORT and TEMPMAIL_AUTH_SENDER_DOMAIN are not set');
    }
    $box = $tm->generate();
    Live::smtpSend($box->email, $shopMail($box->email, 'forged code', '583920'), 'x@forger.example', $port);
    // fromDomain alone: the From header's domain counts, so the forged message matches.
    $plain = $tm->waitForMessage($box->email, 30, match: 'otp', fromDomain: $domain);
    T::same('583920', $plain->otp);
    $forged = T::eventually(static fn () => ($m = $tm->read($box->email, $plain->id))->authentication !== null ? $m : null, 30);
    T::ok($forged->authentication instanceof Authentication);
    T::same([], $forged->authentication->verified_domains);
    // requireAuth: held past the forged message until the genuine one is sent and checked.
    $pid = Live::sendLater(0.5, $box->email, $shopMail($box->email, 'real code', '720416'), "bounce@$domain", $port);
    T::same('720416', $tm->waitForOtp($box->email, 60, fromDomain: $domain, requireAuth: true));
    Live::reap($pid);
    $real = $tm->waitForMessage($box->email, 30, requireAuth: true); // alone: DMARC passed
    T::same(['real code', 'pass', [$domain]], [$real->subject, $real->authentication?->dmarc['result'], $real->authentication?->verified_domains]);
    T::throws(WaitTimeoutException::class, static fn () => $tm->waitForMessage($box->email, 1, fromDomain: 'other.example', requireAuth: true));
    // inbox() takes the same filter.
    T::same(['real code'], array_map(static fn ($s) => $s->subject, $tm->inbox($box->email, fromDomain: $domain, requireAuth: true)));
    T::same(2, count($tm->inbox($box->email, fromDomain: $domain)));
    // Polling checks the filter here (a server without wait.php): the forged one is passed over.
    $polled = $tm->waitForMessage($box->email, 30, null, 0.2, transport: 'poll', fromDomain: strtoupper($domain) . '.', requireAuth: true);
    T::same($real->id, $polled->id);
    T::throws(WaitTimeoutException::class, static fn () => $tm->waitForMessage($box->email, 0.5, null, 0.2, transport: 'poll', fromDomain: 'other.example'));
});

T::test('live: anonymous waitForLink with fromDomain + requireAuth', static function () use ($url, $factory, $domain, $port): void {
    if ($url === '' || $domain === '' || $port === '') {
        T::skip('TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_SMTP_PORT and TEMPMAIL_AUTH_SENDER_DOMAIN are not set');
    }
    $anon = new AnonymousClient(new Guzzle(['timeout' => 40]), $factory, $factory, $url);
    $box = $anon->generate();
    $mail = str_replace('From: Sender <sender@example.com>', "From: no-reply@$domain",
        Live::textMail($box->email, 'confirm', 'Confirm: https://shop.example/confirm?t=9'));
    $pid = Live::sendLater(0.3, $box->email, $mail, "no-reply@$domain", $port);
    T::same('https://shop.example/confirm?t=9', $anon->waitForLink($box, 60, fromDomain: $domain, requireAuth: true));
    Live::reap($pid);
});
