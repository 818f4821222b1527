#!/usr/bin/env bash
# The project's test command (npm test): installs missing Debian tools, starts PostgreSQL and
# Redis if they are installed but down, builds everything, then runs every test file with
# node's test runner. Extra arguments are passed to `node --test` (e.g. a single file). The
# per-test timeout (15 min) is only a net against a hang: a busy machine is slow, not wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-services.sh
# TEMPMAIL_TEST_SKIP_BUILD=1: already built (scripts/test-beside-copies.sh builds once for its copies).
[ "${TEMPMAIL_TEST_SKIP_BUILD:-}" = 1 ] || npm run build --silent
# What an earlier, killed run left running (only processes whose test owner is gone).
node scripts/reap-test-orphans.mjs || true
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find apps/server/test apps/web/test bench/test -name '*.test.ts' 2>/dev/null | sort)
fi
export TEMPMAIL_TEST_DATABASE_URL=${TEMPMAIL_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
export TEMPMAIL_TEST_REDIS_URL=${TEMPMAIL_TEST_REDIS_URL:-redis://127.0.0.1:6379}
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=900000 "${files[@]}"
