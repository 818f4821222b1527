<?php

declare(strict_types=1);

/*
 * A sign-up check with tempmail/sdk installed by Composer (and guzzlehttp/guzzle as the PSR-18
 * client): php signup.php, with TEMPMAIL_URL and TEMPMAIL_KEY set. Prints "ok" and exits 0.
 */
require __DIR__ . '/vendor/autoload.php';
require __DIR__ . '/signup-app.php';

use GuzzleHttp\Client as Guzzle;
use GuzzleHttp\Psr7\HttpFactory;
use TempMail\Client;

$factory = new HttpFactory();
$tm = new Client(getenv('TEMPMAIL_KEY'), new Guzzle(['timeout' => 40]), $factory, $factory, getenv('TEMPMAIL_URL') ?: 'http://127.0.0.1:8080');

$box = $tm->generate(ttl: 600);
$sent = example_sign_up($box->email);                 // the application under test mails a code
$code = $tm->waitForOtp($box->email, timeout: 60);      // held on the server, no polling
$link = $tm->waitForLink($box->email, timeout: 60, from: 'no-reply@app.example');
$tm->delete($box->email);

if ($code !== $sent || !str_starts_with($link, 'https://app.example/confirm?token=')) {
    fwrite(STDERR, "unexpected code $code (sent $sent) or link $link\n");
    exit(1);
}
echo "ok: $box->email got $code and $link\n";
