#!/usr/bin/env bash
# Issue 16's robustness check: the whole suite (npm test) must pass while two other copies of it
# run on the same machine. Builds once, starts three copies of scripts/test.sh at the same time
# (the tests use free ports, their own temporary folders, and unique PostgreSQL schemas and Redis
# key prefixes, so the copies do not share state), and reports each copy's result and duration.
# Exit status: 0 only when all three passed. Logs: $OUT (default a temporary folder).
# Heavy by design (three suites at once): run it on purpose, not in a loop.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$(mktemp -d -t tempmail-copies-XXXXXX)}
mkdir -p "$OUT"
bash scripts/ensure-deps.sh && bash scripts/ensure-services.sh && npm run build --silent || exit 1
echo "three copies of the suite, logs in $OUT (load before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"
pids=()
for n in 1 2 3; do
  ( start=$(date +%s)
    TEMPMAIL_TEST_SKIP_BUILD=1 bash scripts/test.sh "$@" >"$OUT/copy-$n.log" 2>&1
    rc=$?
    echo "$rc $(( $(date +%s) - start ))" >"$OUT/copy-$n.status" ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
status=0
for n in 1 2 3; do
  read -r rc secs <"$OUT/copy-$n.status"
  summary=$(grep -E '^# (tests|pass|fail|cancelled|skipped) ' "$OUT/copy-$n.log" | tr '\n' ' ')
  echo "copy $n: exit $rc after ${secs}s; $summary"
  [ "$rc" = 0 ] || status=1
done
if [ $status != 0 ]; then
  echo "failed tests:"
  grep -hE '^\s*not ok' "$OUT"/copy-*.log | sort | uniq -c
fi
exit $status
