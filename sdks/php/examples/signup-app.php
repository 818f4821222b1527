<?php

declare(strict_types=1);

/**
 * Stands in for the application under test: signing up mails a six-digit code and a
 * confirmation link to the address given (plain SMTP to SMTP_HOST:SMTP_PORT). Replace it with
 * your own application.
 */
function example_sign_up(string $email): string
{
    $code = (string) random_int(100000, 999999);
    $token = bin2hex(random_bytes(12));
    $smtp = stream_socket_client('tcp://' . (getenv('SMTP_HOST') ?: '127.0.0.1') . ':' . (getenv('SMTP_PORT') ?: '2525'), $errno, $error, 30);
    if ($smtp === false) {
        throw new RuntimeException("SMTP: $error");
    }
    $say = static function (?string $line, string $expect) use ($smtp): void {
        if ($line !== null) {
            fwrite($smtp, "$line\r\n");
        }
        do {
            $reply = (string) fgets($smtp);
        } while (isset($reply[3]) && $reply[3] === '-');
        if (!str_starts_with($reply, $expect)) {
            throw new RuntimeException("SMTP: expected $expect, got $reply");
        }
    };
    $say(null, '220');
    $say('EHLO app.example', '250');
    $say('MAIL FROM:<no-reply@app.example>', '250');
    $say("RCPT TO:<$email>", '250');
    $say('DATA', '354');
    $say(implode("\r\n", [
        'From: Example App <no-reply@app.example>', "To: $email", 'Subject: Confirm your account',
        'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '',
        "<p>Your verification code is <b>$code</b>.</p>",
        "<p><a href=\"https://app.example/confirm?token=$token\">Confirm your account</a></p>",
    ]) . "\r\n.", '250');
    $say('QUIT', '221');
    fclose($smtp);

    return $code;
}
