"""What a benchmark run cost the system: CPU time of every process and records written to every topic.

    cost.py run OUT.json -- command...   snapshot, run the command, snapshot again; writes both snapshots and the
                                         command's own CPU time (user + system of it and its children) to OUT.json
    cost.py snapshot                     prints one snapshot as JSON
    cost.py record-bytes TOPIC           the mean size on disk of a record of the topic (log bytes / end offset; the
                                         local broker's data directory), batch overhead included

A snapshot holds the CPU time (user + system, from /proc/<pid>/stat) of the processes of a system started with
infra/socialink from any checkout (gateway, delivery-worker, group-fanout, presence-service, analytics, call-signaling and the Kafka broker: the Java processes
whose -Dsocialink.run marker is <checkout>/.run/<name>), of
PostgreSQL (every process named postgres) and of Redis (redis-server), and the end offset of every partition of
every topic on the local broker (Kafka's GetOffsetShell), changelog topics included. PostgreSQL backends that end
between two snapshots take their CPU time with them, so its figure is a lower bound.
"""
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUN = ROOT / ".run"
BOOTSTRAP = os.environ.get("SOCIALINK_KAFKA", "localhost:9092")
TICKS = os.sysconf("SC_CLK_TCK")
APPS = ("gateway", "delivery-worker", "group-fanout", "presence-service", "analytics", "call-signaling")


def cpu_millis(pid):
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # fields after the command: state is [0], utime [11], stime [12]
    return (int(fields[11]) + int(fields[12])) * 1000 // TICKS


def pids_named(name):
    pids = []
    for proc in pathlib.Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip() == name:
                    pids.append(int(proc.name))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return pids


def marked_processes():
    """name -> pid of the processes infra/socialink started, by their -Dsocialink.run=<checkout>/.run/<name> marker
    (instances started as <app>@N included, under that name)."""
    found = {}
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        for arg in args:
            if arg.startswith(b"-Dsocialink.run="):
                run_dir = pathlib.PurePath(arg.split(b"=", 1)[1].decode())
                if run_dir.parent.name == ".run" and run_dir.name.split("@")[0] in APPS + ("kafka",):
                    found[run_dir.name] = int(proc.name)
    return found


def processes():
    """name -> {pid: CPU ms}: one pid per app; every process of PostgreSQL and Redis."""
    cpu = {name: {pid: cpu_millis(pid)} for name, pid in marked_processes().items()}
    for name, label in (("postgres", "postgres"), ("redis-server", "redis")):
        cpu[label] = {pid: cpu_millis(pid) for pid in pids_named(name)}
    return {name: {str(pid): ms for pid, ms in pids.items() if ms is not None} for name, pids in cpu.items()}


def cpu_delta(before, after):
    """CPU ms per name between two snapshots: per process, counting a process that started in between from zero
    (one that ended in between is missing: its time is lost)."""
    return {name: sum(ms - before.get(name, {}).get(pid, 0) for pid, ms in pids.items())
            for name, pids in after.items()}


def end_offsets():
    libs = RUN / "kafka" / "libs"
    result = subprocess.run(
        ["java", "-cp", f"{libs}/*", "org.apache.kafka.tools.GetOffsetShell", "--bootstrap-server", BOOTSTRAP,
         "--time", "-1"],
        capture_output=True, text=True)
    if result.returncode != 0:
        if "Could not match any topic-partitions" in result.stdout + result.stderr:
            return {}
        raise RuntimeError("GetOffsetShell failed: " + (result.stdout + result.stderr).strip())
    topics = {}
    for line in result.stdout.splitlines():
        topic, _partition, offset = line.rsplit(":", 2)
        topics[topic] = topics.get(topic, 0) + int(offset)
    return topics


def snapshot():
    return {"at": time.time(), "cpuMillis": processes(), "endOffsets": end_offsets()}


def children_cpu_millis():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((usage.ru_utime + usage.ru_stime) * 1000)


def run(out, command):
    before = snapshot()
    # the snapshot's own GetOffsetShell is a child too: the command's time is the difference around it alone
    children_before = children_cpu_millis()
    started = time.time()
    status = subprocess.call(command)
    wall = time.time() - started
    command_cpu = children_cpu_millis() - children_before
    after = snapshot()
    out.write_text(json.dumps({
        "command": command,
        "exitStatus": status,
        "wallSeconds": wall,
        "commandCpuMillis": command_cpu,
        "cpuDeltaMillis": cpu_delta(before["cpuMillis"], after["cpuMillis"]),
        "before": before,
        "after": after,
    }, indent=2))
    return status


def record_bytes(topic):
    data = RUN / "kafka" / "data"
    size = sum(log.stat().st_size for part in data.glob(f"{topic}-*") for log in part.glob("*.log"))
    records = end_offsets().get(topic, 0)
    return size // records if records else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "record-bytes":
        print(record_bytes(argv[1]))
        return 0
    if argv[:1] == ["snapshot"]:
        print(json.dumps(snapshot(), indent=2))
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--":
        return run(pathlib.Path(argv[1]), argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
