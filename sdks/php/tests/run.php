<?php

declare(strict_types=1);

/*
 * The PHP SDK's tests: `php sdks/php/tests/run.php`. Offline cases always run; the live cases
 * run against a TempMail service when TEMPMAIL_URL, TEMPMAIL_KEY and TEMPMAIL_SMTP_PORT are
 * set (see Live.php). Exit code 0 when nothing failed.
 */
require __DIR__ . '/bootstrap.php';

use TempMailTests\Harness;
use TempMailTests\Live;

error_reporting(E_ALL);
set_error_handler(static function (int $severity, string $message, string $file, int $line): bool {
    if (!(error_reporting() & $severity)) {
        return false;
    }
    throw new \ErrorException($message, 0, $severity, $file, $line);
});

require __DIR__ . '/cases/signature.php';
require __DIR__ . '/cases/offline.php';
if (Live::enabled()) {
    require __DIR__ . '/cases/live.php';
    require __DIR__ . '/cases/live-wait.php';
    require __DIR__ . '/cases/live-verified-sender.php';
} else {
    fwrite(STDERR, "\n*** tempmail/sdk (php) live tests SKIPPED: set TEMPMAIL_URL, TEMPMAIL_KEY and TEMPMAIL_SMTP_PORT ***\n\n");
}
exit(Harness::run());
