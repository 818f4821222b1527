<?php

declare(strict_types=1);

namespace TempMailTests;

/**
 * The live service's coordinates from the environment, a raw SMTP client and a one-shot
 * HTTP receiver for webhook deliveries.
 *
 * TEMPMAIL_URL, TEMPMAIL_KEY (premium) and TEMPMAIL_SMTP_PORT enable the live tests;
 * TEMPMAIL_FREE_KEY, TEMPMAIL_LIMITED_KEY (low rate limit), TEMPMAIL_TEST_DOMAIN (a custom
 * domain whose MX already points at the service) add more. TEMPMAIL_AUTH_URL, TEMPMAIL_AUTH_KEY and
 * TEMPMAIL_AUTH_SMTP_PORT name a service that checks senders, and TEMPMAIL_AUTH_SENDER_DOMAIN a
 * domain whose SPF passes for 127.0.0.1 (with a DMARC record) there: the verified-sender tests.
 */
final class Live
{
    public static function env(string $name): string
    {
        return (string) (getenv($name) ?: '');
    }

    public static function enabled(): bool
    {
        return self::env('TEMPMAIL_URL') !== '' && self::env('TEMPMAIL_KEY') !== '' && self::env('TEMPMAIL_SMTP_PORT') !== '';
    }

    public static function rand(): string
    {
        return bin2hex(random_bytes(4));
    }

    /** Sends one RFC 822 message over SMTP (EHLO, MAIL, RCPT, DATA, QUIT). */
    public static function smtpSend(string $to, string $message, string $from = 'sender@example.com', ?string $port = null): void
    {
        $host = self::env('TEMPMAIL_SMTP_HOST') ?: '127.0.0.1';
        $smtp = stream_socket_client("tcp://$host:" . ($port ?? self::env('TEMPMAIL_SMTP_PORT')), $errno, $errstr, 10);
        if ($smtp === false) {
            throw new \RuntimeException("SMTP connect failed: $errstr");
        }
        stream_set_timeout($smtp, 10);
        $expect = static function (string $code) use ($smtp): void {
            $reply = '';
            while (($line = fgets($smtp)) !== false) {
                $reply .= $line;
                if (strlen($line) >= 4 && $line[3] === ' ') {
                    break;
                }
            }
            if (!str_starts_with($reply, $code)) {
                throw new \RuntimeException("SMTP expected $code, got: " . trim($reply));
            }
        };
        $expect('220');
        fwrite($smtp, "EHLO sdk.test\r\n");
        $expect('250');
        fwrite($smtp, "MAIL FROM:<$from>\r\n");
        $expect('250');
        fwrite($smtp, "RCPT TO:<$to>\r\n");
        $expect('250');
        fwrite($smtp, "DATA\r\n");
        $expect('354');
        $data = preg_replace('/^\./m', '..', str_replace(["\r\n", "\n"], ["\n", "\r\n"], $message));
        fwrite($smtp, $data . "\r\n.\r\n");
        $expect('250');
        fwrite($smtp, "QUIT\r\n");
        fclose($smtp);
    }

    /** Sends from a child process after `$delay` seconds (so a wait is already held); answers its pid. */
    public static function sendLater(float $delay, string $to, string $message, string $from = 'sender@example.com', ?string $port = null): int
    {
        $pid = pcntl_fork();
        if ($pid === -1) {
            throw new \RuntimeException('fork failed');
        }
        if ($pid === 0) {
            usleep((int) ($delay * 1_000_000));
            $code = 0;
            try {
                self::smtpSend($to, $message, $from, $port);
            } catch (\Throwable $e) {
                fwrite(STDERR, 'sendLater: ' . $e->getMessage() . "\n");
                $code = 1;
            }
            exit($code);
        }

        return $pid;
    }

    /** Waits for a sendLater() child; throws when its send failed. */
    public static function reap(int $pid): void
    {
        pcntl_waitpid($pid, $status);
        if (pcntl_wexitstatus($status) !== 0) {
            throw new \AssertionError('the delayed send failed');
        }
    }

    /** HTML with a code, a confirm link and a help link, from "Acme Support". */
    public static function acmeMail(string $to, string $subject): string
    {
        $b = 'b' . self::rand();

        return implode("\n", [
            'From: Acme Support <help@acme.example>', "To: $to", "Subject: $subject", 'MIME-Version: 1.0',
            "Content-Type: multipart/alternative; boundary=\"$b\"", '',
            "--$b", 'Content-Type: text/plain; charset=utf-8', '', 'Your code is 551903. Confirm: https://acme.example/confirm?t=1',
            "--$b", 'Content-Type: text/html; charset=utf-8', '',
            '<p>Your code is <b>551903</b>.</p><p><a href="https://acme.example/confirm?t=1&amp;x=2">Confirm your address</a>'
            . ' or <a href="https://acme.example/help">read the help</a></p>',
            "--$b--", '',
        ]);
    }

    public static function textMail(string $to, string $subject, string $text): string
    {
        return "From: Sender <sender@example.com>\nTo: $to\nSubject: $subject\nMessage-ID: <" . self::rand() . "@sdk.test>\n"
            . "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n$text\n";
    }

    /** HTML with a code and a confirm button, plus one attachment. */
    public static function richMail(string $to, string $subject, string $filename, string $content): string
    {
        $b = 'b' . self::rand();

        return implode("\n", [
            'From: GitHub <noreply@github.com>', "To: $to", "Subject: $subject", 'MIME-Version: 1.0',
            "Content-Type: multipart/mixed; boundary=\"$b\"", '',
            "--$b", 'Content-Type: text/html; charset=utf-8', '',
            '<p>Your code is <b>482910</b>.</p><p><a href="https://github.com/confirm?token=abc&amp;u=1">Confirm your email</a></p>',
            "--$b", "Content-Type: text/plain; name=\"$filename\"", "Content-Disposition: attachment; filename=\"$filename\"",
            'Content-Transfer-Encoding: base64', '', base64_encode($content), "--$b--", '',
        ]);
    }

    /**
     * A listening socket on 127.0.0.1: `[url, server]`. Deliveries wait in the backlog until
     * receiveOne() accepts them, so no second thread is needed.
     *
     * @return array{0: string, 1: resource}
     */
    public static function receiver(string $path): array
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($server === false) {
            throw new \RuntimeException("receiver: $errstr");
        }
        $port = (int) substr((string) strrchr(stream_socket_get_name($server, false), ':'), 1);

        return ["http://127.0.0.1:$port$path", $server];
    }

    /**
     * Accepts one HTTP request, answers 204, and returns `[path, headers (lower-case), raw body]`.
     *
     * @param resource $server
     *
     * @return array{0: string, 1: array<string, string>, 2: string}
     */
    public static function receiveOne($server, float $timeout = 15.0): array
    {
        $conn = @stream_socket_accept($server, $timeout);
        if ($conn === false) {
            throw new \AssertionError("no webhook delivery within $timeout s");
        }
        stream_set_timeout($conn, 10);
        [, $path] = explode(' ', trim((string) fgets($conn)), 3) + [1 => ''];
        $headers = [];
        while (($line = fgets($conn)) !== false && trim($line) !== '') {
            [$name, $value] = explode(':', $line, 2) + [1 => ''];
            $headers[strtolower(trim($name))] = trim($value);
        }
        $body = '';
        $length = (int) ($headers['content-length'] ?? 0);
        while (strlen($body) < $length && !feof($conn)) {
            $body .= fread($conn, $length - strlen($body));
        }
        fwrite($conn, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        fclose($conn);

        return [$path, $headers, $body];
    }
}
