<?php

declare(strict_types=1);

namespace TempMail\Laravel;

use Illuminate\Contracts\Container\Container;
use Illuminate\Support\ServiceProvider;
use Psr\Http\Client\ClientInterface;
use Psr\Http\Message\RequestFactoryInterface;
use Psr\Http\Message\StreamFactoryInterface;
use TempMail\AnonymousClient;
use TempMail\Client;

/**
 * Laravel service provider (auto-discovered through composer.json `extra.laravel`): binds
 * TempMail\Client (alias `tempmail`) and TempMail\AnonymousClient as singletons configured from
 * `config/tempmail.php` (env TEMPMAIL_KEY, TEMPMAIL_URL, ...).
 *
 * The PSR-18 client and PSR-17 factories are the container's when it binds
 * Psr\Http\Client\ClientInterface / RequestFactoryInterface / StreamFactoryInterface; otherwise
 * Guzzle (guzzlehttp/guzzle, which Laravel's HTTP client already requires) or nyholm/psr7.
 */
final class TempMailServiceProvider extends ServiceProvider
{
    private const CONFIG = __DIR__ . '/../../config/tempmail.php';

    public function register(): void
    {
        $this->mergeConfigFrom(self::CONFIG, 'tempmail');
        $this->app->singleton(Client::class, static function (Container $app): Client {
            $config = self::config($app);
            if (!is_string($config['key'] ?? null) || $config['key'] === '') {
                throw new \RuntimeException('TempMail: no API key; set TEMPMAIL_KEY (config tempmail.key)');
            }
            [$http, $requests, $streams] = self::psr($app, $config);

            return new Client(
                $config['key'], $http, $requests, $streams, (string) $config['base_url'],
                (int) $config['max_retries'], (float) $config['max_retry_delay'], [], (float) $config['wait_hold_seconds'],
            );
        });
        $this->app->singleton(AnonymousClient::class, static function (Container $app): AnonymousClient {
            $config = self::config($app);
            [$http, $requests, $streams] = self::psr($app, $config);

            return new AnonymousClient(
                $http, $requests, $streams, (string) $config['base_url'],
                (int) $config['max_retries'], (float) $config['max_retry_delay'], (float) $config['wait_hold_seconds'],
            );
        });
        $this->app->alias(Client::class, 'tempmail');
    }

    public function boot(): void
    {
        if (function_exists('config_path')) {
            $this->publishes([self::CONFIG => config_path('tempmail.php')], 'tempmail-config');
        }
    }

    /** @return list<string> */
    public function provides(): array
    {
        return [Client::class, AnonymousClient::class, 'tempmail'];
    }

    /** @return array<string, mixed> */
    private static function config(Container $app): array
    {
        $defaults = ['base_url' => 'http://127.0.0.1:8080', 'timeout' => 40.0, 'wait_hold_seconds' => 25.0, 'max_retries' => 3, 'max_retry_delay' => 60.0];

        return ((array) $app->make('config')->get('tempmail', [])) + $defaults;
    }

    /**
     * @param array<string, mixed> $config
     *
     * @return array{0: ClientInterface, 1: RequestFactoryInterface, 2: StreamFactoryInterface}
     */
    private static function psr(Container $app, array $config): array
    {
        $http = $app->bound(ClientInterface::class) ? $app->make(ClientInterface::class) : null;
        if ($http === null && class_exists(\GuzzleHttp\Client::class)) {
            $http = new \GuzzleHttp\Client(['timeout' => (float) $config['timeout']]);
        }
        $factory = null;
        if (class_exists(\GuzzleHttp\Psr7\HttpFactory::class)) {
            $factory = new \GuzzleHttp\Psr7\HttpFactory();
        } elseif (class_exists(\Nyholm\Psr7\Factory\Psr17Factory::class)) {
            $factory = new \Nyholm\Psr7\Factory\Psr17Factory();
        }
        $requests = $app->bound(RequestFactoryInterface::class) ? $app->make(RequestFactoryInterface::class) : $factory;
        $streams = $app->bound(StreamFactoryInterface::class) ? $app->make(StreamFactoryInterface::class) : $factory;
        if ($http === null || $requests === null || $streams === null) {
            throw new \RuntimeException('TempMail: no PSR-18 client or PSR-17 factories; composer require guzzlehttp/guzzle, or bind Psr\Http\Client\ClientInterface and the factories');
        }

        return [$http, $requests, $streams];
    }
}
