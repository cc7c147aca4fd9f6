#!/usr/bin/env bash
# The idle-connections benchmark over several gateway nodes and several bench processes, for more sockets than one
# process may hold here (every process's open-file limit is 20,000): against a running system with gateway nodes
# 0..NODES-1 (infra/socialink start gateway, then gateway@1 ... gateway@N; rate limits raised as for connections.sh),
# PROCESSES bench-connections processes each hold DEVICES idle sockets, spread round robin over all nodes (each
# process starts its list at another node, and sends its REST calls there), bound to 127.0.0.1..127.0.0.4. Once all
# hold, the same measurement as connections.sh (its `measure`): the CPU of every process of the system over 30 s, each
# gateway's RSS, heap after a full GC and sockets, against a baseline taken before; plus the bench processes' CPU.
# With KILL=1 the last node is then killed with SIGKILL and each process reports its reconnect wave (sockets reopen on
# another node, picked at random, after a random delay of up to 10 s), timed from its first end and from the kill.
# Devices are registered on the first run and reused from $STATE/devices-<i>.jsonl after that. With DELIVER=1, once
# released (after the measurement, and the kill if any) every process sends one message to each of its devices (over 16
# sender sockets spread over the nodes, 64 in flight) and times its arrival; all processes start within half a second of
# each other, and the slowest one's first send -> last envelope is the time to deliver one message to all.
#   infra/bench/connections-nodes.sh [nodes] [processes] [devices-per-process]
# Environment: KILL (0), DELIVER (0), STATE (.run/bench/connections-nodes), BENCH_JAVA_OPTS (-Xmx1g),
# BENCH_CONNECTIONS_ARGS (more bench-connections options for every process, e.g. --deliver-timeout 300).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODES=${1:-7}
PROCESSES=${2:-6}
DEVICES=${3:-17000}
STATE=${STATE:-$ROOT/.run/bench/connections-nodes}
INTERNAL_CREDENTIAL=${SOCIALINK_INTERNAL_CREDENTIAL:-internal:socialink-local-internal-secret-0123456789abcdef}
CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
OUT="$ROOT/.run/bench/connections-nodes-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT" "$STATE"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# one measurement for both scripts: connections.sh's measure function (baseline | hold PID SOCKETS WINDOW)
# shellcheck source=/dev/null
source <(sed -n '/^measure() {/,/^}/p' "$ROOT/infra/bench/connections.sh")

echo "== baseline (before the bench): $NODES gateway nodes, $PROCESSES processes of $DEVICES sockets"
measure baseline | tee "$OUT/baseline.txt"

RELEASE="$OUT/release"
DELIVER_OPTION=""
[ "${DELIVER:-0}" = 1 ] && DELIVER_OPTION="--deliver"
trap 'touch "$RELEASE"' EXIT
PIDS=()
for i in $(seq 1 "$PROCESSES"); do
    SERVERS=""
    for k in $(seq 0 $((NODES - 1))); do
        SERVERS="$SERVERS${SERVERS:+,}http://localhost:$((8080 + 100 * ((i + k) % NODES)))"
    done
    # shellcheck disable=SC2086 # the options are a list
    java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$CLI" bench-connections --servers "$SERVERS" --devices "$DEVICES" \
        --hold 30 --connect-rate 400 --source-addresses 4 --reuse-file "$STATE/devices-$i.jsonl" \
        --until-file "$RELEASE" ${DELIVER_OPTION} ${BENCH_CONNECTIONS_ARGS:-} >"$OUT/bench-$i.txt" 2>&1 &
    PIDS+=($!)
done
for i in $(seq 1 "$PROCESSES"); do
    until grep -q '^holding ' "$OUT/bench-$i.txt"; do
        kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { echo "bench process $i ended before holding" >&2; exit 1; }
        sleep 1
    done
done
echo "== connect (each process)"
grep -h '^connect: [0-9]* of ' "$OUT"/bench-*.txt
python3 - "$ROOT" "${PIDS[@]}" >"$OUT/bench-cpu.txt" <<'PY' &
import pathlib, sys, time
sys.path.insert(0, str(pathlib.Path(sys.argv[1]) / "infra" / "bench"))
import cost
pids = [int(p) for p in sys.argv[2:]]
before, started = {p: cost.cpu_millis(p) for p in pids}, time.time()
time.sleep(30)
after, elapsed = {p: cost.cpu_millis(p) for p in pids}, time.time() - started
cpu = sum(after[p] - before[p] for p in pids) / 1000
rss = sum(int(next(l for l in pathlib.Path(f"/proc/{p}/status").read_text().splitlines()
                   if l.startswith("VmRSS:")).split()[1]) for p in pids)
print(f"bench processes ({len(pids)}): CPU {cpu:.2f} s over {elapsed:.0f} s = {cpu / elapsed * 100:.1f} % of a core;"
      f" RSS {rss / 1024:.0f} MiB")
PY
CPU_PID=$!
measure hold "${PIDS[0]}" $((PROCESSES * DEVICES)) 30 >"$OUT/resources.txt" 2>&1
wait "$CPU_PID"
echo "== resources while holding"
cat "$OUT/resources.txt" "$OUT/bench-cpu.txt"
if [ "${KILL:-0}" = 1 ]; then
    LAST=$((NODES - 1))
    VICTIM=$(pgrep -f "socialink.run=$ROOT/.run/gateway@$LAST( |$)" | head -n 1 || true)
    [ -n "$VICTIM" ] || { echo "gateway@$LAST is not running: start it before a KILL=1 run" >&2; exit 1; }
    KILLED_AT=$(date -u +%H:%M:%S.%N)
    kill -9 "$VICTIM"
    echo "== kill -9 of gateway@$LAST (pid $VICTIM) at $KILLED_AT"
    # a process is back once a wave ends with none of its sockets on the killed node: a wave can end while the
    # process has not yet read the end of some of that node's sockets (it counts them open), and another follows
    GONE="localhost:$((8080 + 100 * LAST))=0"
    for i in $(seq 1 "$PROCESSES"); do
        for _ in $(seq 1 600); do grep -q "reconnect wave.*$GONE" "$OUT/bench-$i.txt" && break; sleep 1; done
    done
    grep -h 'reconnect wave' "$OUT"/bench-*.txt
    python3 - "$OUT" "$KILLED_AT" "$GONE" <<'PY'
import pathlib, re, sys
def seconds(hms):
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
killed, gone = seconds(sys.argv[2]), sys.argv[3]
pattern = re.compile(r"^reconnect wave (\d+): .*first end (\S+), all open (\S+) UTC")
for f in sorted(pathlib.Path(sys.argv[1]).glob("bench-[0-9]*.txt")):
    lines = f.read_text().splitlines()
    waves = [(m, line) for m, line in ((pattern.search(line), line) for line in lines) if m]
    back = next((m for m, line in waves if gone + " " in line + " "), None)
    if not waves or back is None:
        print(f"{f.name}: not back: no reconnect wave ended with no socket on the killed node")
        continue
    first = (seconds(waves[0][0].group(2)) - killed) % 86400
    last = (seconds(back.group(3)) - killed) % 86400
    print(f"{f.name}: first end read {first:.1f} s after the kill; all open again, none on the killed node,"
          f" {last:.1f} s after the kill (wave {back.group(1)})")
PY
fi
touch "$RELEASE"
wait "${PIDS[@]}" || true
if [ -n "$DELIVER_OPTION" ]; then
    echo "== one message to each device (each process)"
    grep -h '^deliver: [0-9]* sent' "$OUT"/bench-*.txt
    python3 - "$OUT" <<'PY'
import pathlib, re, sys
pattern = re.compile(r"^deliver: (\d+) sent .*?; (\d+) received, first send -> last envelope ([\d.]+) s"
                     r".*missing after \d+ s: (\d+)")
files = sorted(pathlib.Path(sys.argv[1]).glob("bench-[0-9]*.txt"))
runs, silent = [], []
for f in files:
    found = [m for m in map(pattern.search, f.read_text().splitlines()) if m]
    runs += found
    if not found:
        silent.append(f.name)
if silent:
    print(f"no delivery reported by {', '.join(silent)}: the process ended before or during it (see its output)")
if runs:
    received = sum(int(m.group(2)) for m in runs)
    slowest = max(float(m.group(3)) for m in runs)
    missing = sum(int(m.group(4)) for m in runs)
    print(f"{len(runs)} of {len(files)} processes: {received} received, the slowest process's first send -> last"
          f" envelope {slowest:.1f} s ({received / slowest:.0f}/s); missing {missing}")
PY
fi
echo "outputs in $OUT"
