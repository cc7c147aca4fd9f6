#!/usr/bin/env bash
# The call set-up benchmark of docs/benchmarks.md: the bench CLI's bench-calls against a running system (infra/socialink
# up: Kafka, delivery-worker, call-signaling, gateway, with the registration and prekey-fetch rate limits raised as
# that page says), several runs: CALLS callers each call their own callee at once (one device each, sockets open,
# real libsignal encryption in the load generator), initiate -> ring frame -> answer -> accepted frame, p50/p99 per
# step and in total.
#   infra/bench/calls.sh [runs] [calls]
# Environment: SOCIALINK_SERVER (default http://localhost:8080), BENCH_JAVA_OPTS (default -Xmx4g),
# BENCH_CALLS_ARGS (more bench-calls options, e.g. "--threads 200 --timeout 300").
# Each run's JSON report, its console output and the load average before and after it are kept in
# .run/bench/calls-<time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
CALLS=${2:-1000}
SERVER=${SOCIALINK_SERVER:-http://localhost:8080}
JAVA_OPTS_BENCH=${BENCH_JAVA_OPTS:--Xmx4g}
EXTRA=${BENCH_CALLS_ARGS:-}

CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
NOFILE=$(ulimit -n)
# two sockets per call plus up to one HTTP connection per in-flight request
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((CALLS * 4 + 512)) ]; then
    echo "ulimit -n is $NOFILE: too few open files for $CALLS calls (2 sockets each, plus requests in flight)" >&2
    exit 1
fi
OUT="$ROOT/.run/bench/calls-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

for run in $(seq 1 "$RUNS"); do
    echo "== call set-up, $CALLS concurrent calls, run $run of $RUNS"
    { printf 'run %s: ' "$run"; uptime; } | tee -a "$OUT/load.txt"
    # shellcheck disable=SC2086 # JAVA_OPTS_BENCH and EXTRA are lists of options
    if ! java $JAVA_OPTS_BENCH -jar "$CLI" bench-calls --server "$SERVER" --calls "$CALLS" $EXTRA \
        --json "$OUT/run-$run.json" 2>&1 | tee "$OUT/run-$run.txt"; then
        # a failed run is kept in the folder and listed; the other runs go on
        echo "run $run failed: $(tail -n 1 "$OUT/run-$run.txt")" | tee -a "$OUT/failures.txt"
    fi
    { printf 'run %s done: ' "$run"; uptime; } | tee -a "$OUT/load.txt"
done

[ ! -f "$OUT/failures.txt" ] || cat "$OUT/failures.txt"
# the median over the runs of each step's p50 and p99
python3 - "$OUT" <<'PY' | tee "$OUT/summary.md"
import json, pathlib, statistics, sys
runs = [json.loads(p.read_text()) for p in sorted(pathlib.Path(sys.argv[1]).glob("run-*.json"))]
if not runs:
    sys.exit("no run finished")
print(f"| step | p50 ms (median of {len(runs)} runs) | p99 ms (median) |")
print("|---|---|---|")
for step in runs[0]["steps"]:
    p50 = statistics.median(r["steps"][step]["p50Millis"] for r in runs)
    p99 = statistics.median(r["steps"][step]["p99Millis"] for r in runs)
    print(f"| {step} | {p50:.1f} | {p99:.1f} |")
complete = [r["complete"] for r in runs]
print(f"\ncalls per run: {runs[0]['calls']}; complete: {complete}; errors: {[r['errors'] for r in runs]}")
PY
