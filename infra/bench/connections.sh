#!/usr/bin/env bash
# The idle-connections benchmark ("100,000 idle WebSockets") against a running system (infra/socialink up; the
# gateway started with the registration limit raised, SOCIALINK_GATEWAY_RATELIMITS_REGISTRATIONS_CAPACITY, and with
# SOCIALINK_GATEWAY_RATELIMITS_SENDS_CAPACITY raised for --deliver): bench-connections registers the devices and holds
# one idle WebSocket per device (keep-alive pings every 30 s); while it holds, this script measures what the idle
# sockets cost: the CPU seconds of every Java process of the system over a 30 s window, their RSS, and each gateway's
# heap after a full GC, against a baseline taken before the bench started. Then the bench goes on (--deliver: one
# message to every device, timed) and exits.
#   infra/bench/connections.sh [devices] [hold-seconds]
# Environment: SOCIALINK_SERVERS (gateway base URLs, comma separated, one per node; default http://localhost:8080),
# BENCH_CONNECTIONS_ARGS (more bench-connections options, e.g. "--deliver --source-addresses 4"),
# BENCH_JAVA_OPTS (default -Xmx1g).
# One bench process holds up to about 20,000 sockets comfortably in -Xmx1g (its open-file limit is raised to the hard
# limit here). Ephemeral ports are the kernel's, shared by all processes: more than ~28,000 sockets in all to one
# gateway port need --source-addresses K (127.0.0.1..127.0.0.K, ~28,000 each). For 100,000 run several processes side
# by side, e.g. five with "--devices 20000 --source-addresses 8 --until-file <one shared file>" (each registers its own
# users under a fresh prefix) and create the file when done; this script runs and measures one process.
# A node kill: while the bench holds (after its "holding" line), kill a gateway node (infra/socialink stop gateway@1,
# or kill -9 <pid>); the bench prints a "reconnect wave" line once every socket is open again on the other nodes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVICES=${1:-10000}
HOLD=${2:-60}
SERVERS=${SOCIALINK_SERVERS:-http://localhost:8080}
WINDOW=30
INTERNAL_CREDENTIAL=${SOCIALINK_INTERNAL_CREDENTIAL:-internal:socialink-local-internal-secret-0123456789abcdef}
CLI=$(ls "$ROOT"/bench/target/bench-*-cli.jar 2>/dev/null | head -n 1)
[ -n "$CLI" ] || { echo "no bench CLI jar: run infra/socialink build" >&2; exit 1; }
OUT="$ROOT/.run/bench/connections-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RELEASE="$OUT/release"

# every socket is a file descriptor of the bench process
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit of the bench: $(ulimit -n)" | tee "$OUT/limits.txt"

# measure baseline | measure hold TOOL_PID DEVICES WINDOW: the Java processes of the system (cost.py's markers,
# gateway@N nodes included) and the bench; baseline: each gateway's RSS and heap after GC; hold: CPU over the window
# (utime + stime), RSS, heap after GC and the gateway's socket gauge, then the per-socket figures.
measure() {
    python3 - "$ROOT" "$OUT" "$INTERNAL_CREDENTIAL" "$@" <<'PY'
import base64, json, pathlib, re, subprocess, sys, time, urllib.request
root, out, credential, mode = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, str(pathlib.Path(root) / "infra" / "bench"))
import cost

def processes():
    """name -> pid: the system's processes as cost.py finds them (gateway@N nodes too)."""
    return cost.marked_processes()

def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

def heap_after_gc_kib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, text=True, timeout=120)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"used (\d+)K", info)
    return int(match.group(1)) if match else None

def internal_port(name):
    node = name.split("@", 1)[1] if "@" in name else "0"
    return 9080 + 100 * int(node)

def gateway_sockets(name):
    request = urllib.request.Request(f"http://127.0.0.1:{internal_port(name)}/actuator/prometheus")
    request.add_header("Authorization", "Basic " + base64.b64encode(credential.encode()).decode())
    try:
        text = urllib.request.urlopen(request, timeout=10).read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("socialink_gateway_sockets ") or line.startswith("socialink_gateway_sockets{"):
            return int(float(line.rsplit(" ", 1)[1]))
    return None

gateways = {name: pid for name, pid in processes().items() if name == "gateway" or name.startswith("gateway@")}
if mode == "baseline":
    # RSS read after the GC, as during the hold: a full GC may give heap back to the system
    baseline = {name: {"pid": pid, "heapAfterGcKiB": heap_after_gc_kib(pid), "rssKiB": rss_kib(pid)}
                for name, pid in sorted(gateways.items())}
    (out / "baseline.json").write_text(json.dumps(baseline, indent=2))
    for name, b in baseline.items():
        print(f"baseline {name} (pid {b['pid']}): RSS {b['rssKiB'] / 1024:.0f} MiB, heap after GC "
              f"{(b['heapAfterGcKiB'] or 0) / 1024:.0f} MiB")
    sys.exit(0)

tool_pid, devices, window = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
procs = dict(sorted(processes().items()))
procs["bench-connections"] = tool_pid
before = {name: cost.cpu_millis(pid) for name, pid in procs.items()}
started = time.time()
time.sleep(window)
after = {name: cost.cpu_millis(pid) for name, pid in procs.items()}
elapsed = time.time() - started
baseline = json.loads((out / "baseline.json").read_text())
result = {"devices": devices, "windowSeconds": elapsed, "processes": {}}
lines = [f"idle sockets: {devices} held; CPU over a {elapsed:.0f} s window of the hold"]
for name, pid in procs.items():
    if before[name] is None or after[name] is None:
        continue
    cpu_seconds = (after[name] - before[name]) / 1000
    core_percent = cpu_seconds / elapsed * 100
    heap = heap_after_gc_kib(pid) if name in gateways else None
    entry = {"pid": pid, "cpuSeconds": cpu_seconds, "corePercent": core_percent, "rssKiB": rss_kib(pid)}
    sockets = devices
    if name in gateways:
        gauge = gateway_sockets(name)
        sockets = gauge if gauge is not None else devices // max(1, len(gateways))
        entry["sockets"] = sockets
    entry["corePercentPer1000Sockets"] = core_percent / (sockets / 1000) if sockets else None
    result["processes"][name] = entry
    line = (f"{name} (pid {pid}): CPU {cpu_seconds:.2f} s = {core_percent:.2f} % of a core"
            f" = {entry['corePercentPer1000Sockets'] or 0:.3f} % per 1,000 sockets; RSS {entry['rssKiB'] / 1024:.0f} MiB"
            + (" (after a GC)" if name in gateways else ""))
    if name in gateways:
        base = baseline.get(name, {})
        entry["heapAfterGcKiB"] = heap
        line += f"; {sockets} sockets"
        if sockets and base.get("rssKiB"):
            entry["rssPerSocketKiB"] = (entry["rssKiB"] - base["rssKiB"]) / sockets
            line += f"; RSS per socket {entry['rssPerSocketKiB']:.1f} KiB (over the baseline {base['rssKiB'] / 1024:.0f} MiB)"
        if sockets and heap is not None and base.get("heapAfterGcKiB") is not None:
            entry["heapPerSocketKiB"] = (heap - base["heapAfterGcKiB"]) / sockets
            line += (f"; heap after GC {heap / 1024:.0f} MiB, per socket {entry['heapPerSocketKiB']:.2f} KiB"
                     f" (over the baseline {base['heapAfterGcKiB'] / 1024:.0f} MiB)")
    lines.append(line)
(out / "resources.json").write_text(json.dumps(result, indent=2))
print("\n".join(lines))
PY
}

echo "== baseline (before the bench)"
measure baseline | tee "$OUT/baseline.txt"

echo "== bench-connections: $DEVICES sockets, hold $HOLD s"
# shellcheck disable=SC2086 # the options are lists
java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$CLI" bench-connections --servers "$SERVERS" --devices "$DEVICES" \
    --hold "$HOLD" --until-file "$RELEASE" ${BENCH_CONNECTIONS_ARGS:-} >"$OUT/run.txt" 2>&1 &
TOOL=$!
trap 'touch "$RELEASE"' EXIT
tail -n +1 -f --pid="$TOOL" "$OUT/run.txt" &
TAIL=$!
until grep -q '^holding ' "$OUT/run.txt"; do
    kill -0 "$TOOL" 2>/dev/null || { wait "$TOOL" || true; wait "$TAIL" || true; echo "bench-connections ended before holding" >&2; exit 1; }
    sleep 1
done
measure hold "$TOOL" "$(sed -n 's/^holding \([0-9]*\) sockets.*/\1/p' "$OUT/run.txt" | head -n 1)" "$WINDOW" \
    >"$OUT/resources.txt" 2>&1 || echo "measuring failed: see $OUT/resources.txt" >&2
touch "$RELEASE"
STATUS=0
wait "$TOOL" || STATUS=$?
wait "$TAIL" 2>/dev/null || true
echo "== resources while holding"
cat "$OUT/resources.txt"
echo "outputs in $OUT"
exit "$STATUS"
