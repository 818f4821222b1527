<?php

declare(strict_types=1);

/*
 * Autoloading for the tests without Composer: the SDK itself (PSR-4 TempMail\ => src/), then
 * either Composer's vendor/autoload.php (after `composer install`) or Debian's packaged
 * libraries under /usr/share/php (php-guzzlehttp-guzzle, php-guzzlehttp-psr7,
 * php-nyholm-psr7, php-psr-http-*), whose autoload.php files register their own loaders.
 */
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'TempMail\\')) {
        $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, 9)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    } elseif (str_starts_with($class, 'TempMailTests\\')) {
        $file = __DIR__ . '/' . substr($class, 14) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

$vendor = __DIR__ . '/../vendor/autoload.php';
if (is_file($vendor)) {
    require $vendor;
} else {
    foreach (['Psr/Http/Client/autoload.php', 'Psr/Http/Message/autoload.php', 'Psr/Http/Message/factory-autoload.php',
              'GuzzleHttp/autoload.php', 'GuzzleHttp/Psr7/autoload.php', 'Nyholm/Psr7/autoload.php'] as $lib) {
        if (stream_resolve_include_path($lib) !== false) {
            require_once $lib;
        }
    }
}
foreach (['Psr\Http\Client\ClientInterface', 'GuzzleHttp\Client', 'GuzzleHttp\Psr7\HttpFactory', 'Nyholm\Psr7\Factory\Psr17Factory'] as $needed) {
    if (!class_exists($needed) && !interface_exists($needed)) {
        fwrite(STDERR, "tests need $needed: apt-get install php-guzzlehttp-guzzle php-guzzlehttp-psr7 php-nyholm-psr7 (or composer install)\n");
        exit(2);
    }
}
