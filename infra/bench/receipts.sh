#!/usr/bin/env bash
# The receipt benchmark of docs/benchmarks.md against a running system (infra/socialink up): the bench CLI's
# bench-receipts (ack -> "delivered" receipt on both devices of two-device senders, and the status projection's
# events/s from the gateway's counter), several runs per rate, then the median of each figure over the runs.
#   infra/bench/receipts.sh [runs] [duration-seconds] [rates...]
# Each of the SENDERS users (default 20) sends from its two devices in turn, so a rate above 10 msg/s per device
# (400 msg/s with 20 senders) meets the gateway's send limit (300 per 30 s per device): raise the senders
# (SENDERS=...) or start the gateway with SOCIALINK_GATEWAY_RATELIMITS_SENDS_CAPACITY set higher.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
DURATION=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(50 100 200)
SERVER=${SOCIALINK_SERVER:-http://localhost:8080}
SENDERS=${SENDERS:-20}
RECIPIENTS=${RECIPIENTS:-20}

CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
OUT="$ROOT/.run/bench/receipts-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

for rate in "${RATES[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        echo "== rate $rate msg/s, run $run of $RUNS, ${DURATION}s"
        uptime | tee -a "$OUT/load.txt"
        java -Xmx1g -jar "$CLI" bench-receipts --server "$SERVER" --rate "$rate" --duration "$DURATION" \
            --warmup 10 --senders "$SENDERS" --recipients "$RECIPIENTS" --drain-timeout 30 \
            --json "$OUT/rate-$rate-run-$run.json"
    done
done

python3 "$ROOT/infra/bench/summarize_receipts.py" "$OUT"
