<?php

/*
 * TempMail for Laravel (published with `php artisan vendor:publish --tag=tempmail-config`).
 * Every value can come from the environment (.env).
 */
return [
    // The API key (a premium or free key); without one only TempMail\AnonymousClient is usable.
    'key' => env('TEMPMAIL_KEY'),

    // Where the service answers.
    'base_url' => env('TEMPMAIL_URL', 'http://127.0.0.1:8080'),

    // Seconds one HTTP request may take (the PSR-18 client's timeout when the provider makes
    // a Guzzle client); must be longer than wait_hold_seconds.
    'timeout' => (float) env('TEMPMAIL_TIMEOUT', 40),

    // How long the server holds one wait request (at most 60); longer waits are renewed.
    'wait_hold_seconds' => (float) env('TEMPMAIL_WAIT_HOLD_SECONDS', 25),

    // Retries of a 429 or 503 answer after its Retry-After (0 to 5), and the longest
    // Retry-After worth waiting for, in seconds.
    'max_retries' => (int) env('TEMPMAIL_MAX_RETRIES', 3),
    'max_retry_delay' => (float) env('TEMPMAIL_MAX_RETRY_DELAY', 60),
];
