#!/usr/bin/env bash
# Full-size fuzz run of the gateway for docs/benchmarks.md: OpenApiFuzzIT (gateway/src/test/java/io/socialink/gateway/
# it) with CASES generated requests (default 100000) over every operation of the OpenAPI document, against a gateway
# it starts itself on the local Kafka, PostgreSQL and Redis (as the integration tests do). Survey mode: a violated
# invariant does not stop the run; every violation is counted by kind in gateway/target/fuzz-report.txt (copied to
# .run/bench/fuzz-*/), and the run exits non-zero if there was any. The CI-sized run is part of `mvn verify`.
#   infra/bench/fuzz.sh [cases]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CASES=${1:-100000}
OUT="$ROOT/.run/bench/fuzz-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
uptime | tee "$OUT/load.txt"
git -C "$ROOT" rev-parse --short HEAD >"$OUT/commit.txt"

cd "$ROOT"
status=0
start=$(date +%s)
mvn -B -ntp -pl gateway -am verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=OpenApiFuzzIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Djqwik.tries.default="$CASES" -Dsocialink.fuzz.survey=true >"$OUT/mvn.log" 2>&1 || status=$?
end=$(date +%s)
cp gateway/target/fuzz-report.txt "$OUT/" 2>/dev/null || true
uptime | tee -a "$OUT/load.txt"
echo "wall seconds (build, start, fuzz): $((end - start))" | tee -a "$OUT/load.txt"
if [[ -f "$OUT/fuzz-report.txt" ]]; then
    sed -n '1,/^$/p' "$OUT/fuzz-report.txt"
    grep -E '^[0-9]+  ' "$OUT/fuzz-report.txt" | head -n 40
else
    tail -n 40 "$OUT/mvn.log" >&2
fi
echo "report: $OUT/fuzz-report.txt, exit $status"
exit "$status"
