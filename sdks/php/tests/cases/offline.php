<?php

declare(strict_types=1);

use Nyholm\Psr7\Factory\Psr17Factory;
use Nyholm\Psr7\Response;
use Psr\Http\Message\RequestInterface;
use TempMail\Client;
use TempMail\Exception\AuthenticationException;
use TempMail\Exception\BadRequestException;
use TempMail\Exception\ConflictException;
use TempMail\Exception\NetworkException;
use TempMail\Exception\NotFoundException;
use TempMail\Exception\PermissionDeniedException;
use TempMail\Exception\RateLimitException;
use TempMail\Exception\ServerException;
use TempMail\Exception\TempMailException;
use TempMailTests\FakeHttpClient;
use TempMailTests\Harness as T;

/* Offline: a fake PSR-18 client with Nyholm's PSR-17 factories (any implementation works). */
$fake = static function (callable $respond): array {
    $http = new FakeHttpClient();
    $http->respond = $respond;

    return [$http, new Psr17Factory()];
};
$json = static fn (int $status, string $body, array $headers = []): Response => new Response($status, ['Content-Type' => 'application/json'] + $headers, $body);

T::test('offline: Bearer key, form bodies, X-RateLimit-*, unknown fields kept, key not dumped', static function () use ($fake, $json): void {
    $rl = ['X-RateLimit-Limit' => '600', 'X-RateLimit-Remaining' => '599', 'X-RateLimit-Reset' => '42'];
    [$http, $f] = $fake(static fn (RequestInterface $r) => $r->getMethod() === 'POST'
        ? $json(200, '{"id":"whk_1","email":"a@b.c","url":"https://x","secret":"whsec_s"}', $rl)
        : $json(200, '{"email":"a@b.c","expires_at":"2030-01-01T00:00:00Z","future":1}', $rl));
    $tm = new Client('tm_secret', $http, $f, $f, 'http://svc.test/');
    T::same(null, $tm->rateLimit());
    $box = $tm->generate('tempmail.local', 600);
    T::same('a@b.c', $box->email);
    T::same(1, $box->raw['future']);
    $req = $http->requests[0];
    T::same('http://svc.test/v1/generate_email.php?domain=tempmail.local&ttl=600', (string) $req->getUri());
    T::same('Bearer tm_secret', $req->getHeaderLine('Authorization'));
    T::same([600, 599, 42], [$tm->rateLimit()->limit, $tm->rateLimit()->remaining, $tm->rateLimit()->reset]);
    $hook = $tm->webhooks()->create('a@b.c', 'https://x/y?z=1');
    T::same('whsec_s', $hook->secret);
    $req = $http->requests[1];
    T::same('application/x-www-form-urlencoded', $req->getHeaderLine('Content-Type'));
    T::same('email=a%40b.c&url=https%3A%2F%2Fx%2Fy%3Fz%3D1', (string) $req->getBody());
    T::ok(!str_contains(print_r($tm, true), 'tm_secret'), 'print_r shows no key');
    T::ok(!str_contains(print_r($hook, true), 'whsec_s'), 'print_r shows no webhook secret');
});

T::test('offline: each status maps to its exception with status, code and message', static function () use ($fake, $json): void {
    $status = 0;
    $code = '';
    [$http, $f] = $fake(static function () use (&$status, &$code, $json) {
        return $json($status, json_encode(['error' => ['code' => $code, 'message' => "m$status"]]));
    });
    $tm = new Client('k', $http, $f, $f, 'http://svc.test', maxRetries: 0);
    foreach ([[400, 'bad_request', BadRequestException::class], [401, 'unauthorized', AuthenticationException::class],
              [403, 'forbidden', PermissionDeniedException::class], [404, 'not_found', NotFoundException::class],
              [409, 'conflict', ConflictException::class], [503, 'unavailable', ServerException::class]] as [$status, $code, $class]) {
        $e = T::throws($class, static fn () => $tm->read('a@b.c', 'msg_1'));
        T::ok($e instanceof TempMailException);
        T::same([$status, $code, "m$status", $status], [$e->status, $e->errorCode, $e->getMessage(), $e->getCode()]);
    }
    [$http, $f] = $fake(static fn () => new Response(502, ['Content-Type' => 'text/plain'], 'Bad gateway'));
    $e = T::throws(ServerException::class, static fn () => (new Client('k', $http, $f, $f, 'http://svc.test'))->inbox('a@b.c'));
    T::same('http_502', $e->errorCode);
    T::same(1, count($http->requests), 'a 502 is not retried');
});

T::test('offline: RateLimitException with retryAfter; retried by default, bounded', static function () use ($fake, $json): void {
    $calls = 0;
    $limitedTimes = 2;
    $respond = static function () use (&$calls, &$limitedTimes, $json) {
        $calls++;

        return $calls <= $limitedTimes
            ? $json(429, '{"error":{"code":"rate_limited","message":"slow down"}}', ['Retry-After' => '1', 'X-RateLimit-Limit' => '60', 'X-RateLimit-Remaining' => '0', 'X-RateLimit-Reset' => '1'])
            : $json(200, '[]');
    };
    [$http, $f] = $fake($respond);
    $e = T::throws(RateLimitException::class, static fn () => (new Client('k', $http, $f, $f, 'http://svc.test', maxRetries: 0))->inbox('a@b.c'));
    T::same([429, 'rate_limited', 1.0, 0], [$e->status, $e->errorCode, $e->retryAfter, $e->rateLimit->remaining]);
    T::same(1, $calls, 'maxRetries 0: no retry');

    $calls = 0;
    T::same([], (new Client('k', $http, $f, $f, 'http://svc.test'))->inbox('a@b.c'));
    T::same(3, $calls, 'retried by default');

    $calls = 0;
    $t0 = microtime(true);
    T::same([], (new Client('k', $http, $f, $f, 'http://svc.test', maxRetries: 2))->inbox('a@b.c'));
    T::same(3, $calls);
    T::ok(microtime(true) - $t0 >= 1.9, 'waited Retry-After each time');

    $calls = 0;
    T::throws(RateLimitException::class, static fn () => (new Client('k', $http, $f, $f, 'http://svc.test', maxRetries: 2, maxRetryDelay: 0.5))->inbox('a@b.c'));
    T::same(1, $calls, 'a Retry-After longer than maxRetryDelay is not waited for');
});

T::test('offline: a 503 is retried after its Retry-After', static function () use ($fake, $json): void {
    $calls = 0;
    [$http, $f] = $fake(static function () use (&$calls, $json) {
        return ++$calls === 1 ? $json(503, '{"error":{"code":"unavailable","message":"shutting down"}}', ['Retry-After' => '1']) : $json(200, '[]');
    });
    T::same([], (new Client('k', $http, $f, $f, 'http://svc.test'))->inbox('a@b.c'));
    T::same(2, $calls);
    $calls = 0;
    $e = T::throws(ServerException::class, static fn () => (new Client('k', $http, $f, $f, 'http://svc.test', maxRetries: 0))->inbox('a@b.c'));
    T::same([503, 1.0], [$e->status, $e->retryAfter]);
});

T::test('offline: the wait is renewed after a 408, sends its filters, and polls a server without wait.php', static function () use ($fake, $json): void {
    $message = '{"id":"msg_2","sender":"x@gh.example","sender_name":"GH","subject":"s","date_received":"2026-01-01T00:00:00Z",'
        . '"email":"a@b.c","body":"code 123456","html":null,"otp":"123456","confirmation_link":null,"attachments":[],'
        . '"links":[{"url":"https://gh.example/a","text":"a"}]}';
    $n = 0;
    [$http, $f] = $fake(static function (RequestInterface $r) use (&$n, $json, $message) {
        return ++$n === 1 ? $json(408, '{"error":{"code":"timeout","message":"nothing yet"}}') : $json(200, $message);
    });
    $m = (new Client('k', $http, $f, $f, 'http://svc.test'))->waitForMessage('a@b.c', 30, match: 'otp', from: 'gh', since: 'msg_1');
    T::same(['123456', 'GH', 'https://gh.example/a'], [$m->otp, $m->sender_name, $m->links[0]->url]);
    $query = $http->requests[1]->getUri()->getQuery();
    T::ok(str_contains($query, 'match=otp') && str_contains($query, 'from=gh') && str_contains($query, 'since=msg_1') && str_contains($query, 'timeout=25.000'), $query);

    [$http, $f] = $fake(static function (RequestInterface $r) use ($json, $message) {
        return match ($r->getUri()->getPath()) {
            '/v1/inbox.php' => $json(200, '[{"id":"msg_2","sender":"x@gh.example","subject":"s","date_received":"2026-01-01T00:00:00Z"}]'),
            '/v1/read.php' => $json(200, $message),
            default => $json(404, '{"error":{"code":"unknown_endpoint","message":"no such route"}}'),
        };
    });
    T::same('123456', (new Client('k', $http, $f, $f, 'http://svc.test'))->waitForOtp('a@b.c', 30));
    T::same(['/v1/wait.php', '/v1/inbox.php'], [$http->requests[0]->getUri()->getPath(), $http->requests[1]->getUri()->getPath()]);
    T::throws(\InvalidArgumentException::class, static fn () => (new Client('k', $http, $f, $f))->inbox('a@b.c', match: 'everything'));
});

T::test('offline: a PSR-18 network failure is NetworkException', static function () use ($fake): void {
    [$http, $f] = $fake(static function (RequestInterface $r) {
        throw FakeHttpClient::networkError($r);
    });
    $e = T::throws(NetworkException::class, static fn () => (new Client('k', $http, $f, $f))->inbox('a@b.c'));
    T::same([0, 'network_error'], [$e->status, $e->errorCode]);
    T::same('http://127.0.0.1:8080/v1/inbox.php?email=a%40b.c', (string) $http->requests[0]->getUri(), 'default base URL');
});

T::test('offline: raw bytes and attachment name/type from headers', static function () use ($fake): void {
    [$http, $f] = $fake(static fn (RequestInterface $r) => str_starts_with($r->getUri()->getPath(), '/v1/raw.php')
        ? new Response(200, ['Content-Type' => 'message/rfc822'], "Subject: x\r\n\r\nhi")
        : new Response(200, ['Content-Type' => 'application/pdf', 'Content-Disposition' => "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"], "\x01\x02\x03"));
    $tm = new Client('k', $http, $f, $f, 'http://svc.test');
    T::same("Subject: x\r\n\r\nhi", $tm->raw('a@b.c', 'msg_1'));
    $att = $tm->attachment('a@b.c', 'msg_1', 0);
    T::same(['résumé.pdf', 'application/pdf', "\x01\x02\x03"], [$att->filename, $att->content_type, $att->data]);
});
