#!/usr/bin/env bash
# Starts PostgreSQL and Redis when they are installed but not running (CI and dev machines of
# this project's kind have both). Tests that need them skip loudly elsewhere, never in CI.
set -uo pipefail
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "ensure-services: starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "ensure-services: starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
for _ in $(seq 1 50); do
  pg_ok=1; redis_ok=1
  command -v pg_isready >/dev/null 2>&1 && { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || pg_ok=0; }
  command -v redis-cli >/dev/null 2>&1 && { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis_ok=0; }
  [ $pg_ok = 1 ] && [ $redis_ok = 1 ] && break
  sleep 0.2
done
exit 0
