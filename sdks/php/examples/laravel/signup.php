<?php

declare(strict_types=1);

/*
 * TempMail in Laravel: the service provider is auto-discovered from composer.json, so a test
 * only asks the container for TempMail\Client (configured from .env: TEMPMAIL_KEY,
 * TEMPMAIL_URL). In a Laravel feature test that is simply:
 *
 *     $tm = app(\TempMail\Client::class);
 *     $box = $tm->generate();
 *     $this->post('/register', ['email' => $box->email, ...]);
 *     $this->post('/verify', ['code' => $tm->waitForOtp($box->email, 60)])->assertOk();
 *
 * This stand-alone script boots the same container Laravel's own tests use
 * (Illuminate\Foundation\Application), registers the provider as package discovery does, and
 * runs the sign-up flow. Prints "ok" and exits 0.
 */
require __DIR__ . '/vendor/autoload.php';
require __DIR__ . '/signup-app.php';

use Illuminate\Config\Repository;
use Illuminate\Foundation\Application;
use TempMail\Client;
use TempMail\Laravel\TempMailServiceProvider;

$app = new Application(sys_get_temp_dir());
$app->instance('config', new Repository([]));
$app->register(TempMailServiceProvider::class);
$app->boot();

$tm = $app->make(Client::class);                       // also app('tempmail')
$box = $tm->generate(ttl: 600);
$sent = example_sign_up($box->email);
$code = $tm->waitForOtp($box->email, timeout: 60);
$tm->delete($box->email);

if ($code !== $sent || $app->make('tempmail') !== $tm || config('tempmail.max_retries') !== 3) {
    fwrite(STDERR, "unexpected: code $code (sent $sent)\n");
    exit(1);
}
echo "ok: $box->email got $code (Laravel " . Application::VERSION . ")\n";
