<?php

declare(strict_types=1);

use GuzzleHttp\Client as Guzzle;
use GuzzleHttp\Psr7\HttpFactory;
use TempMail\AnonymousClient;
use TempMail\Client;
use TempMail\Exception\AuthenticationException;
use TempMail\Exception\BadRequestException;
use TempMail\Exception\ConflictException;
use TempMail\Exception\NotFoundException;
use TempMail\Exception\PermissionDeniedException;
use TempMail\Exception\RateLimitException;
use TempMail\Exception\TempMailException;
use TempMail\Exception\WaitTimeoutException;
use TempMail\Model\Message;
use TempMail\WebhookSignature;
use TempMailTests\Harness as T;
use TempMailTests\Live;

/* Live: Guzzle as the PSR-18 client, guzzlehttp/psr7's HttpFactory as the PSR-17 factories. */
$url = Live::env('TEMPMAIL_URL');
$client = static function (string $key) use ($url): Client {
    $factory = new HttpFactory();

    return new Client($key, new Guzzle(['timeout' => 30]), $factory, $factory, $url);
};
$tm = $client(Live::env('TEMPMAIL_KEY'));

T::test('live: generate (default, ttl) and BadRequestException for a bad ttl', static function () use ($tm): void {
    $box = $tm->generate();
    T::ok((bool) preg_match('/^[^@\s]+@[^@\s]+$/', $box->email), $box->email);
    T::ok($box->expires() > new DateTimeImmutable());
    $left = $tm->generate(null, 120)->expires()->getTimestamp() - time();
    T::ok($left > 60 && $left <= 121, "ttl=120 expires in $left s");
    $e = T::throws(BadRequestException::class, static fn () => $tm->generate(null, -5));
    T::same([400, 'bad_request'], [$e->status, $e->errorCode]);
    $rl = $tm->rateLimit();
    T::ok($rl !== null && $rl->limit > 0 && $rl->remaining >= 0 && $rl->reset > 0, 'rate limit recorded');
});

T::test('live: read (otp, confirmation_link, attachments), raw, attachment', static function () use ($tm): void {
    $box = $tm->generate();
    T::same([], $tm->inbox($box->email));
    Live::smtpSend($box->email, Live::richMail($box->email, 'Verify your email address', 'report.txt', "attachment body\n"));
    $m = $tm->waitForMessage($box->email, timeout: 10, interval: 0.1);
    T::ok($m instanceof Message);
    T::same([$box->email, 'noreply@github.com', 'Verify your email address'], [$m->email, $m->sender, $m->subject]);
    T::same('482910', $m->otp);
    T::same('https://github.com/confirm?token=abc&u=1', $m->confirmation_link);
    T::ok(str_contains((string) $m->html, 'Confirm your email'));
    T::ok(str_contains($m->body, '482910'));
    T::same([['report.txt', 'text/plain', 16]], array_map(static fn ($a) => [$a->filename, $a->content_type, $a->size], $m->attachments));
    [$summary] = $tm->inbox($box->email);
    $keys = array_keys($summary->raw);
    sort($keys);
    T::same(['date_received', 'id', 'sender', 'sender_name', 'subject'], $keys);
    T::same($m->id, $summary->id);
    T::ok(str_contains($tm->raw($box->email, $m->id), 'Subject: Verify your email address'));
    $att = $tm->attachment($box->email, $m->id, 0);
    T::same(['report.txt', "attachment body\n"], [$att->filename, $att->data]);
    T::ok(str_starts_with($att->content_type, 'text/plain'), $att->content_type);
    T::throws(NotFoundException::class, static fn () => $tm->read($box->email, 'msg_doesnotexist'));
    T::throws(NotFoundException::class, static fn () => $tm->attachment($box->email, $m->id, 5));
});

T::test('live: paging with limit/before and messages()', static function () use ($tm): void {
    $box = $tm->generate();
    foreach ([1, 2, 3] as $n) {
        Live::smtpSend($box->email, Live::textMail($box->email, "page $n", "message $n"));
    }
    T::eventually(static fn () => count($tm->inbox($box->email)) === 3);
    $first = $tm->inbox($box->email, 2);
    T::same(['page 3', 'page 2'], array_map(static fn ($s) => $s->subject, $first));
    T::same(['page 1'], array_map(static fn ($s) => $s->subject, $tm->inbox($box->email, 2, $first[1]->id)));
    $all = [];
    foreach ($tm->messages($box->email, 2) as $s) {
        $all[] = $s->subject;
    }
    T::same(['page 3', 'page 2', 'page 1'], $all);
});

T::test('live: waitForMessage with a predicate, and its timeout', static function () use ($tm): void {
    $box = $tm->generate();
    Live::smtpSend($box->email, Live::textMail($box->email, 'first', 'no code here'));
    Live::smtpSend($box->email, Live::textMail($box->email, 'second', 'Your code is 774411'));
    $m = $tm->waitForMessage($box->email, 10, static fn (Message $m) => $m->subject === 'second', 0.1);
    T::same(['second', '774411'], [$m->subject, $m->otp]);
    $e = T::throws(WaitTimeoutException::class, static fn () => $tm->waitForMessage($box->email, 0.3, static fn () => false, 0.1));
    T::same('wait_timeout', $e->errorCode);
});

T::test('live: delete, then NotFoundException', static function () use ($tm): void {
    $box = $tm->generate();
    T::ok($tm->delete($box->email));
    $e = T::throws(NotFoundException::class, static fn () => $tm->inbox($box->email));
    T::same([404, 'not_found'], [$e->status, $e->errorCode]);
});

T::test('live: typed errors (unknown key 401, other key 404, free plan 403)', static function () use ($tm, $client): void {
    $e = T::throws(AuthenticationException::class, static fn () => $client('tm_' . str_repeat('x', 43))->generate());
    T::same([401, 'unauthorized'], [$e->status, $e->errorCode]);
    if (Live::env('TEMPMAIL_FREE_KEY') === '') {
        return;
    }
    $box = $tm->generate();
    $free = $client(Live::env('TEMPMAIL_FREE_KEY'));
    T::throws(NotFoundException::class, static fn () => $free->inbox($box->email));
    $own = $free->generate();
    $e = T::throws(PermissionDeniedException::class, static fn () => $free->webhooks()->create($own->email, 'https://example.com/hook'));
    T::same(403, $e->status);
    T::throws(PermissionDeniedException::class, static fn () => $free->domains()->create('sdk-' . Live::rand() . '.example'));
});

T::test('live: RateLimitException with retryAfter past the plan limit', static function () use ($client): void {
    if (Live::env('TEMPMAIL_LIMITED_KEY') === '') {
        T::skip('TEMPMAIL_LIMITED_KEY not set');
    }
    $factory = new HttpFactory();
    $limited = new Client(Live::env('TEMPMAIL_LIMITED_KEY'), new Guzzle(['timeout' => 30]), $factory, $factory, Live::env('TEMPMAIL_URL'), maxRetries: 0);
    $err = null;
    for ($i = 0; $i < 200 && $err === null; $i++) {
        try {
            $limited->inbox("nobody-$i@example.com");
        } catch (NotFoundException) {
        } catch (TempMailException $e) {
            $err = $e;
        }
    }
    T::ok($err instanceof RateLimitException, 'got ' . ($err ? get_class($err) : 'nothing'));
    T::same([429, 'rate_limited'], [$err->status, $err->errorCode]);
    T::ok($err->retryAfter !== null && $err->retryAfter > 0, 'retryAfter > 0');
    T::same(0, $limited->rateLimit()->remaining);
});

T::test('live: webhooks create/list/get, signed delivery verified, delete', static function () use ($tm): void {
    $box = $tm->generate();
    [$hookUrl, $server] = Live::receiver('/php-hook');
    try {
        try {
            $hook = $tm->webhooks()->create($box->email, $hookUrl);
        } catch (NotFoundException $e) {
            if (preg_match('/no such endpoint|route/i', $e->getMessage())) {
                T::skip('webhook.php not served yet: ' . $e->getMessage());
            }
            throw $e;
        }
        T::same([$box->email, $hookUrl], [$hook->email, $hook->url]);
        T::ok(str_starts_with((string) $hook->secret, 'whsec_'), 'secret');
        T::same($hook->id, $tm->webhooks()->create($box->email, $hookUrl)->id, 'same URL, same webhook');
        $listed = $tm->webhooks()->list($box->email);
        T::same([[$hook->id, true, null]], array_map(static fn ($w) => [$w->id, $w->active, $w->secret], $listed));
        T::same($hook->id, $tm->webhooks()->get($hook->id)->id);

        Live::smtpSend($box->email, Live::textMail($box->email, 'hooked', 'Your verification code is 482910.'));
        [$path, $headers, $body] = Live::receiveOne($server);
        T::same('/php-hook', $path);
        $signature = $headers['x-tempmail-signature'] ?? '';
        T::ok(WebhookSignature::verify((string) $hook->secret, $signature, $body), 'signature verifies');
        T::ok(!WebhookSignature::verify('whsec_wrong', $signature, $body), 'wrong secret refused');
        T::ok(!WebhookSignature::verify((string) $hook->secret, $signature, $body . ' '), 'altered body refused');
        $event = WebhookSignature::parseEvent((string) $hook->secret, $signature, $body);
        T::same(['message.received', $box->email, '482910'], [$event->event, $event->email, $event->otp]);
        T::same($tm->inbox($box->email)[0]->id, $event->id);
        $delivery = T::eventually(static function () use ($tm, $hook) {
            foreach ($tm->webhooks()->get($hook->id)->deliveries as $d) {
                if ($d->outcome === 'delivered') {
                    return $d;
                }
            }

            return null;
        });
        T::same([$event->id, 204], [$delivery->message_id, $delivery->status_code]);

        T::ok($tm->webhooks()->delete($hook->id));
        T::throws(NotFoundException::class, static fn () => $tm->webhooks()->get($hook->id));
        T::same([], $tm->webhooks()->list($box->email));
        T::throws(BadRequestException::class, static fn () => $tm->webhooks()->create($box->email, 'ftp://example.com/x'));
    } finally {
        fclose($server);
    }
});

T::test('live: domains create (pending), list, get, verify, delete', static function () use ($tm): void {
    $name = 'sdk-' . Live::rand() . '.example';
    $d = $tm->domains()->create($name);
    T::same([$name, 'pending'], [$d->domain, $d->status]);
    T::ok(str_contains($d->mx, '.'), 'mx host');
    T::ok(in_array($name, array_map(static fn ($x) => $x->domain, $tm->domains()->list()), true));
    T::same([$name, 'pending', $d->mx], [$tm->domains()->get($name)->domain, $tm->domains()->get($name)->status, $tm->domains()->get($name)->mx]);
    T::same('pending', $tm->domains()->verify($name)->status);
    T::ok(in_array($name, array_map(static fn ($x) => $x->domain, $tm->domains()->list(true)), true));
    T::throws(ConflictException::class, static fn () => $tm->generate($name));
    T::ok($tm->domains()->delete($name));
    T::throws(NotFoundException::class, static fn () => $tm->domains()->get($name));
    T::throws(BadRequestException::class, static fn () => $tm->domains()->create('not a domain'));
});

T::test('live: a verified custom domain receives mail', static function () use ($tm): void {
    $domain = Live::env('TEMPMAIL_TEST_DOMAIN');
    if ($domain === '') {
        T::skip('TEMPMAIL_TEST_DOMAIN not set');
    }
    T::same('verified', $tm->domains()->create($domain)->status);
    try {
        $box = $tm->generate($domain);
        T::ok(str_ends_with($box->email, "@$domain"), $box->email);
        Live::smtpSend($box->email, Live::textMail($box->email, 'custom domain', 'code 90210'));
        T::same('90210', $tm->waitForMessage($box->email, 10, null, 0.1)->otp);
    } finally {
        $tm->domains()->delete($domain);
    }
});

T::test('live: anonymous API (generate with token, inbox, read, raw, attachment, delete)', static function () use ($url): void {
    $factory = new HttpFactory();
    $anon = new AnonymousClient(new Guzzle(['timeout' => 30]), $factory, $factory, $url);
    $box = $anon->generate(600);
    T::ok((bool) preg_match('/^[A-Za-z0-9_-]{22,}$/', (string) $box->token), 'token');
    Live::smtpSend($box->email, Live::richMail($box->email, 'anon', 'a.txt', 'xyz'));
    $m = $anon->waitForMessage($box, 10, null, 0.1);
    T::same('482910', $m->otp);
    T::same($m->id, $anon->inbox($box)[0]->id);
    T::same('anon', $anon->read($box, $m->id)->subject);
    T::ok(str_contains($anon->raw($box, $m->id), 'Subject: anon'));
    T::same('xyz', $anon->attachment($box, $m->id, 0)->data);
    T::ok($anon->delete($box));
    T::throws(TempMailException::class, static fn () => $anon->inbox($box));
});
