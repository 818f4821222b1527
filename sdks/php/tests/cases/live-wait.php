<?php

declare(strict_types=1);

use GuzzleHttp\Client as Guzzle;
use GuzzleHttp\Psr7\HttpFactory;
use TempMail\AnonymousClient;
use TempMail\Client;
use TempMail\Exception\BadRequestException;
use TempMail\Exception\NotFoundException;
use TempMail\Exception\WaitTimeoutException;
use TempMail\Model\Message;
use TempMail\Model\OwnedMailbox;
use TempMailTests\Harness as T;
use TempMailTests\Live;

/* Live: waits held on the server (wait.php), filters, mailboxes, deleting one message, links, sender names. */
$url = Live::env('TEMPMAIL_URL');
$factory = new HttpFactory();
$tm = new Client(Live::env('TEMPMAIL_KEY'), new Guzzle(['timeout' => 40]), $factory, $factory, $url);

T::test('live: waitForOtp / waitForLink held on the server; links and sender_name', static function () use ($tm): void {
    $box = $tm->generate();
    $pid = Live::sendLater(0.5, $box->email, Live::acmeMail($box->email, 'Your code'));
    T::same('551903', $tm->waitForOtp($box->email, 60));
    Live::reap($pid);
    T::same('https://acme.example/confirm?t=1&x=2', $tm->waitForLink($box->email, 60));
    $m = $tm->waitForMessage($box->email, 60, from: 'acme support');
    T::same(['help@acme.example', 'Acme Support'], [$m->sender, $m->sender_name]);
    T::same([['https://acme.example/confirm?t=1&x=2', 'Confirm your address'], ['https://acme.example/help', 'read the help']],
        array_map(static fn ($l) => [$l->url, $l->text], $m->links));
    T::same('Acme Support', $tm->inbox($box->email)[0]->sender_name);
});

T::test('live: inbox filters, since, and a predicate the server cannot evaluate', static function () use ($tm): void {
    $box = $tm->generate();
    Live::smtpSend($box->email, Live::textMail($box->email, 'Welcome aboard', 'hello'), 'team@one.example');
    $first = $tm->waitForMessage($box->email, 30);
    Live::smtpSend($box->email, str_replace('From: Sender <sender@example.com>', 'From: Login <login@two.example>',
        Live::textMail($box->email, 'Your login code', 'Code: 66120844')));
    $second = $tm->waitForMessage($box->email, 30, since: $first->id);
    T::same('Your login code', $second->subject);
    T::same(['Your login code'], array_map(static fn ($s) => $s->subject, $tm->inbox($box->email, from: 'two.example')));
    T::same(['Welcome aboard'], array_map(static fn ($s) => $s->subject, $tm->inbox($box->email, subject: 'WELCOME')));
    T::same(['Your login code'], array_map(static fn ($s) => $s->subject, $tm->inbox($box->email, match: 'otp')));
    T::same(2, count($tm->inbox($box->email, since: new DateTimeImmutable('-5 minutes'))));
    T::same([], $tm->inbox($box->email, since: new DateTimeImmutable('+5 minutes')));
    $picked = $tm->waitForMessage($box->email, 30, static fn (Message $m) => $m->otp === '66120844');
    T::same($second->id, $picked->id);
    T::throws(BadRequestException::class, static fn () => $tm->inbox($box->email, since: 'msg_notinthismailbox'));
});

T::test('live: a wait times out after held requests; another key\'s mailbox is 404', static function () use ($tm): void {
    $box = $tm->generate();
    $t0 = microtime(true);
    $e = T::throws(WaitTimeoutException::class, static fn () => $tm->waitForMessage($box->email, 1.5));
    T::same('wait_timeout', $e->errorCode);
    T::ok(microtime(true) - $t0 >= 1.4, 'held for the timeout');
    T::throws(NotFoundException::class, static fn () => $tm->waitForMessage('nobody-' . Live::rand() . '@tempmail.test', 5));
});

T::test('live: mailboxes paged, and deleting one message', static function () use ($tm): void {
    $made = [$tm->generate()->email, $tm->generate()->email, $tm->generate()->email];
    $page = $tm->mailboxes(2);
    T::ok($page[0] instanceof OwnedMailbox);
    T::same([$made[2], $made[1]], array_map(static fn ($b) => $b->email, $page));
    T::same($made[0], $tm->mailboxes(1, $page[1]->email)[0]->email);
    $all = [];
    foreach ($tm->allMailboxes(50) as $b) {
        $all[] = $b->email;
    }
    T::same([], array_diff($made, $all));
    T::ok($page[0]->created_at !== '' && $page[0]->expires() > new DateTimeImmutable());

    $box = $made[0];
    Live::smtpSend($box, Live::textMail($box, 'keep', 'keep me'));
    Live::smtpSend($box, Live::textMail($box, 'drop', 'drop me'));
    $drop = $tm->waitForMessage($box, 30, subject: 'drop');
    T::ok($tm->deleteMessage($box, $drop->id));
    T::same(['keep'], array_map(static fn ($s) => $s->subject, $tm->inbox($box)));
    T::throws(NotFoundException::class, static fn () => $tm->deleteMessage($box, $drop->id));
});

T::test('live: anonymous waitForOtp and deleteMessage', static function () use ($url, $factory): void {
    $anon = new AnonymousClient(new Guzzle(['timeout' => 40]), $factory, $factory, $url);
    $box = $anon->generate();
    $pid = Live::sendLater(0.3, $box->email, Live::acmeMail($box->email, 'anon code'));
    T::same('551903', $anon->waitForOtp($box, 60));
    Live::reap($pid);
    $m = $anon->waitForMessage($box, 10);
    T::ok($anon->deleteMessage($box, $m->id));
    T::same([], $anon->inbox($box));
});
