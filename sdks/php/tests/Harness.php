<?php

declare(strict_types=1);

namespace TempMailTests;

/** A tiny test runner: register with test(), assert with the static helpers, skip with skip(). */
final class Harness
{
    /** @var list<array{string, callable}> */
    public static array $tests = [];

    public static function test(string $name, callable $fn): void
    {
        self::$tests[] = [$name, $fn];
    }

    public static function skip(string $reason): never
    {
        throw new Skip($reason);
    }

    public static function same(mixed $expected, mixed $actual, string $message = ''): void
    {
        if ($expected !== $actual) {
            throw new \AssertionError(trim("$message: expected " . var_export($expected, true) . ', got ' . var_export($actual, true), ': '));
        }
    }

    public static function ok(bool $condition, string $message = 'expected true'): void
    {
        if (!$condition) {
            throw new \AssertionError($message);
        }
    }

    /**
     * Runs `$fn`, which must throw `$class`; answers the exception.
     *
     * @template T of \Throwable
     *
     * @param class-string<T> $class
     *
     * @return T
     */
    public static function throws(string $class, callable $fn): \Throwable
    {
        try {
            $fn();
        } catch (\Throwable $e) {
            if ($e instanceof $class) {
                return $e;
            }
            throw new \AssertionError("expected $class, got " . get_class($e) . ': ' . $e->getMessage(), 0, $e);
        }
        throw new \AssertionError("expected $class, nothing was thrown");
    }

    /** Calls `$fn` until it answers a truthy value; throws after `$timeout` seconds. */
    public static function eventually(callable $fn, float $timeout = 10.0): mixed
    {
        $deadline = microtime(true) + $timeout;
        while (true) {
            $value = $fn();
            if ($value) {
                return $value;
            }
            if (microtime(true) > $deadline) {
                throw new \AssertionError("condition not met within $timeout s");
            }
            usleep(50_000);
        }
    }

    /** Runs every test; prints one line each and a summary; answers the exit code. */
    public static function run(): int
    {
        $pass = $fail = $skip = 0;
        foreach (self::$tests as [$name, $fn]) {
            $t0 = microtime(true);
            try {
                $fn();
                $pass++;
                printf("ok      %s (%d ms)\n", $name, (microtime(true) - $t0) * 1000);
            } catch (Skip $s) {
                $skip++;
                printf("skipped %s: %s\n", $name, $s->getMessage());
            } catch (\Throwable $e) {
                $fail++;
                printf("FAIL    %s\n        %s: %s\n        at %s:%d\n", $name, get_class($e), $e->getMessage(), $e->getFile(), $e->getLine());
                $trace = $e->getTraceAsString();
                echo '        ' . str_replace("\n", "\n        ", substr($trace, 0, 1500)) . "\n";
            }
        }
        printf("\n%d passed, %d failed, %d skipped\n", $pass, $fail, $skip);

        return $fail === 0 ? 0 : 1;
    }
}
