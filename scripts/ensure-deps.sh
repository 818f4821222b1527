#!/usr/bin/env bash
# Installs the Debian packages the tests and the benchmark need when they are missing:
# swaks (SMTP client), chromium (headless browser tests), postfix (only for smtp-source;
# its daemon is stopped right after install and never left running), python3 and PHP with
# Guzzle/PSR libraries, Composer and Laravel (the SDK tests).
set -euo pipefail
need=()
command -v swaks >/dev/null 2>&1 || need+=(swaks)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v smtp-source >/dev/null 2>&1 || need+=(postfix)
# SDK tests (apps/server/test/e2e/sdk-*.test.ts): Python 3 (stdlib only), and PHP with a PSR-18
# client (Guzzle) and PSR-7/17 implementations, autoloaded from /usr/share/php.
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v php >/dev/null 2>&1 || need+=(php-cli)
[ -f /usr/share/php/GuzzleHttp/autoload.php ] || need+=(php-guzzlehttp-guzzle)
[ -f /usr/share/php/GuzzleHttp/Psr7/autoload.php ] || need+=(php-guzzlehttp-psr7)
[ -f /usr/share/php/Nyholm/Psr7/autoload.php ] || need+=(php-nyholm-psr7)
[ -f /usr/share/php/Psr/Http/Client/autoload.php ] || need+=(php-psr-http-client)
[ -f /usr/share/php/Psr/Http/Message/factory-autoload.php ] || need+=(php-psr-http-factory)
[ -f /usr/share/php/Psr/Http/Message/autoload.php ] || need+=(php-psr-http-message)
# sdk-php.test.ts: `composer validate` / `composer archive` / `composer install` of the packed SDK
# (ZipArchive unpacks it), and the Laravel example in Debian's Laravel (Illuminate).
command -v composer >/dev/null 2>&1 || need+=(composer)
php -r 'exit(class_exists("ZipArchive") ? 0 : 1);' >/dev/null 2>&1 || need+=(php-zip)
php -r 'exit(function_exists("mb_strlen") ? 0 : 1);' >/dev/null 2>&1 || need+=(php-mbstring)
[ -f /usr/share/php/Illuminate/autoload.php ] || need+=(php-laravel-framework)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-deps: missing ${need[*]}; install them (apt-get install ${need[*]}) or run as root" >&2
    exit 1
  fi
  echo "ensure-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # postfix asks how to configure itself; "No configuration" keeps it inert.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Never leave the Postfix daemon running (we only use its smtp-source tool).
if command -v postfix >/dev/null 2>&1 && pgrep -x master >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
exit 0
