#!/usr/bin/env bash
# The 1:1 pipeline benchmark of docs/benchmarks.md: the bench CLI's open-loop load generator against a running system
# (infra/socialink up), several runs per rate, then the median of each figure over the runs; around each run, the CPU
# time of every process of the system and the records written to every topic (cost.py), divided by the messages
# acknowledged in the run; after the runs, the machine's raw Kafka ceiling (kafka-ceiling.sh) with records of the
# size the pipeline's device.deliveries records have on disk.
#   infra/bench/one-to-one.sh [runs] [duration-seconds] [rates...]
# Environment: SOCIALINK_SERVER (default http://localhost:8080), BENCH_ARGS (more bench options, e.g.
# "--transport ws --senders 40").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
DURATION=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(500 2000 5000)
SERVER=${SOCIALINK_SERVER:-http://localhost:8080}

CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
OUT="$ROOT/.run/bench/one-to-one-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
git -C "$ROOT" rev-parse --short HEAD >"$OUT/commit.txt" 2>/dev/null || true
printf '%s\n' "${BENCH_ARGS:-}" >"$OUT/bench-args.txt"

for rate in "${RATES[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        echo "== rate $rate msg/s, run $run of $RUNS, ${DURATION}s"
        uptime | tee -a "$OUT/load.txt"
        # shellcheck disable=SC2086 # BENCH_ARGS is a list of options
        python3 "$ROOT/infra/bench/cost.py" run "$OUT/rate-$rate-run-$run.cost.json" -- \
            java -Xmx1g -jar "$CLI" bench --server "$SERVER" --rate "$rate" --duration "$DURATION" --warmup 10 \
            --json "$OUT/rate-$rate-run-$run.json" ${BENCH_ARGS:-}
    done
done

RECORD_BYTES=$(python3 "$ROOT/infra/bench/cost.py" record-bytes "${SOCIALINK_TOPICS_PREFIX:-}device.deliveries")
"$ROOT/infra/bench/kafka-ceiling.sh" "$OUT" "$((RECORD_BYTES > 0 ? RECORD_BYTES : 512))"
python3 "$ROOT/infra/bench/summarize.py" "$OUT" | tee "$OUT/summary.md"
