#!/usr/bin/env bash
# The MLS group fan-out benchmark of docs/benchmarks.md: the bench CLI's bench-group against a running system
# (infra/socialink up: Kafka, delivery-worker, group-fanout, gateway, with the rate limits raised as that page says),
# several runs, then the median of each figure over the runs.
#   infra/bench/group-fanout.sh [runs] [members]
# Environment: SOCIALINK_SERVER (default http://localhost:8080), BENCH_JAVA_OPTS (default -Xmx4g),
# BENCH_GROUP_ARGS (more bench-group options, e.g. "--messages-runs 5 --burst 50 --timeout 300").
# Each run's JSON report, its console output, the load average before it and its cost (cost.py: CPU time of every
# process of the system and records written to every topic, per delivery in the summary) are kept in
# .run/bench/group-fanout-<time>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
MEMBERS=${2:-1500}
SERVER=${SOCIALINK_SERVER:-http://localhost:8080}
JAVA_OPTS_BENCH=${BENCH_JAVA_OPTS:--Xmx4g}
EXTRA=${BENCH_GROUP_ARGS:-}

CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((MEMBERS * 2 + 512)) ]; then
    echo "ulimit -n is $NOFILE: too few open files for $MEMBERS sockets (the gateway needs one per device too)" >&2
    exit 1
fi
OUT="$ROOT/.run/bench/group-fanout-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

for run in $(seq 1 "$RUNS"); do
    echo "== group fan-out, $MEMBERS members, run $run of $RUNS"
    { printf 'run %s: ' "$run"; uptime; } | tee -a "$OUT/load.txt"
    # shellcheck disable=SC2086 # JAVA_OPTS_BENCH and EXTRA are lists of options
    if ! python3 "$ROOT/infra/bench/cost.py" run "$OUT/cost-run-$run.json" -- \
        java $JAVA_OPTS_BENCH -jar "$CLI" bench-group --server "$SERVER" --members "$MEMBERS" $EXTRA \
        --json "$OUT/run-$run.json" 2>&1 | tee "$OUT/run-$run.txt"; then
        # a failed run (e.g. a phase timed out) is kept in the folder and listed; the other runs go on
        echo "run $run failed: $(tail -n 1 "$OUT/run-$run.txt")" | tee -a "$OUT/failures.txt"
    fi
    { printf 'run %s done: ' "$run"; uptime; } | tee -a "$OUT/load.txt"
done

[ ! -f "$OUT/failures.txt" ] || cat "$OUT/failures.txt"
python3 "$ROOT/infra/bench/summarize_group.py" "$OUT" | tee "$OUT/summary.md"
