#!/usr/bin/env bash
# Status projection throughput for docs/benchmarks.md: runs infra/socialink rebuild-projection several times (it
# truncates the projection and replays all of metadata.messages, so the rows end up as before) and prints the
# events, replay seconds and events/s of each run from the gateway's "status projection rebuilt" log line, then the
# median. Fill metadata.messages first (e.g. with infra/bench/receipts.sh), so the replay is long enough to time.
# The rebuild writes into the database of DATABASE_URL (the gateway's default when unset); point it at a database of
# its own (created empty, the gateway migrates it) to leave the running system's projection alone.
#   infra/bench/projection-rebuild.sh [runs]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
OUT="$ROOT/.run/bench/projection-rebuild-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

for run in $(seq 1 "$RUNS"); do
    echo "== projection rebuild, run $run of $RUNS"
    uptime | tee -a "$OUT/load.txt"
    "$ROOT/infra/socialink" rebuild-projection >"$OUT/run-$run.log" 2>&1 \
        || { tail -n 40 "$OUT/run-$run.log" >&2; exit 1; }
    grep -o 'status projection rebuilt from .*' "$OUT/run-$run.log" | tee "$OUT/run-$run.txt"
done

# "rebuilt from N events of TOPIC: replay S s, R events/s (...)"
sed -E 's/.*from ([0-9]+) events of [^:]+: replay ([0-9.]+) s, ([0-9]+) events\/s.*/\1 \2 \3/' "$OUT"/run-*.txt \
    | sort -n -k3 | awk '{ line[NR] = $0 } END {
        split(line[int((NR + 1) / 2)], m, " ");
        printf "| runs | events replayed | replay s | events/s |\n|---|---|---|---|\n| %d | %s | %s | %s |\n",
            NR, m[1], m[2], m[3] }'
