#!/usr/bin/env bash
# The presence benchmark of docs/benchmarks.md against a running system (infra/socialink up: Kafka, delivery-worker,
# presence-service, gateway; the registration rate limit raised as that page says): the online set is seeded with
# SIMULATED online users (members sim-online-<i>, online for 10 minutes), then bench-presence churns
# the sockets of real devices and times GET /online-count; the simulated members are removed afterwards.
#   infra/bench/presence.sh [runs] [rate] [simulated]
# Environment: SOCIALINK_SERVER (default http://localhost:8080), REDIS_HOST/REDIS_PORT (127.0.0.1:6379),
# BENCH_JAVA_OPTS (default -Xmx2g), BENCH_PRESENCE_ARGS (more bench-presence options, e.g. "--duration 60").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-3}
RATE=${2:-1000}
SIMULATED=${3:-100000}
SERVER=${SOCIALINK_SERVER:-http://localhost:8080}
REDIS=(redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}")
CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
OUT="$ROOT/.run/bench/presence-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

# ZADD/ZREM in batches of 1,000 members
simulated() {
    local command=$1 until=$2
    python3 - "$command" "$until" "$SIMULATED" <<'PY' | "${REDIS[@]}" >/dev/null
import sys
command, until, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for start in range(0, count, 1000):
    members = range(start, min(count, start + 1000))
    if command == "add":
        print("ZADD presence:online " + " ".join(f"{until} sim-online-{i}" for i in members))
    else:
        print("ZREM presence:online " + " ".join(f"sim-online-{i}" for i in members))
PY
}
trap 'simulated remove 0' EXIT
simulated add $(( ($(date +%s) + 600) * 1000 ))
echo "online set: $("${REDIS[@]}" ZCARD presence:online) members ($SIMULATED simulated)" | tee "$OUT/seed.txt"

for run in $(seq 1 "$RUNS"); do
    echo "== presence, run $run of $RUNS"
    # shellcheck disable=SC2086 # the options are lists
    java ${BENCH_JAVA_OPTS:--Xmx2g} -jar "$CLI" bench-presence --server "$SERVER" --rate "$RATE" \
        ${BENCH_PRESENCE_ARGS:-} 2>&1 | tee "$OUT/run-$run.txt"
done
