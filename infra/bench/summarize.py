"""Medians over the runs of each rate, from the load generator's JSON reports in one folder."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1])
by_rate = {}
for path in sorted(folder.glob("rate-*-run-*.json")):
    if path.name.endswith(".cost.json"):
        continue
    report = json.loads(path.read_text())
    by_rate.setdefault(report["options"]["rate"], []).append(report)


def median(reports, *keys):
    values = []
    for report in reports:
        value = report
        for key in keys:
            value = value[key]
        values.append(value)
    return statistics.median(values)


print("| target msg/s | runs | achieved send/s | send-ack p50 / p99 / p99.9 ms | send→socket p50 / p99 / p99.9 ms"
      " | errors | lost |")
print("|---|---|---|---|---|---|---|")
for rate, reports in sorted(by_rate.items()):
    ack = " / ".join(f"{median(reports, 'sendAckMillis', q):.1f}" for q in ("p50", "p99", "p999"))
    socket = " / ".join(f"{median(reports, 'sendToSocketMillis', q):.1f}" for q in ("p50", "p99", "p999"))
    print(f"| {rate:,} | {len(reports)} | {median(reports, 'sendRate'):,.0f} | {ack} | {socket} "
          f"| {median(reports, 'errorCount'):.0f} | {median(reports, 'lost'):.0f} |")

# What each message cost: cost.py's snapshots around each run, divided by the messages acknowledged in the run
# (warm-up included, as the snapshots cover the whole run).
costs = {}
for path in sorted(folder.glob("rate-*-run-*.cost.json")):
    report_path = path.with_name(path.name.replace(".cost.json", ".json"))
    if not report_path.exists():
        continue
    report = json.loads(report_path.read_text())
    cost = json.loads(path.read_text())
    messages = report.get("ackedTotal") or 0
    if messages == 0:
        continue
    before, after = cost["before"], cost["after"]
    cpu = {name: millis * 1000 / messages for name, millis in cost["cpuDeltaMillis"].items()}
    records = {topic: (after["endOffsets"][topic] - before["endOffsets"].get(topic, 0)) / messages
               for topic in after["endOffsets"]}
    costs.setdefault(report["options"]["rate"], []).append({
        "cpu": cpu, "system": sum(cpu.values()), "bench": cost["commandCpuMillis"] * 1000 / messages,
        "records": {topic: value for topic, value in records.items() if value > 0},
    })

if costs:
    processes = sorted({name for runs in costs.values() for run in runs for name in run["cpu"]})
    print()
    print("CPU µs per message (medians; system = every process but the load generator)")
    print()
    print("| target msg/s | " + " | ".join(processes) + " | system | load generator |")
    print("|---|" + "---|" * (len(processes) + 2))
    for rate, runs in sorted(costs.items()):
        cells = [f"{statistics.median(run['cpu'].get(name, 0) for run in runs):,.0f}" for name in processes]
        print(f"| {rate:,} | " + " | ".join(cells)
              + f" | {statistics.median(run['system'] for run in runs):,.0f}"
              + f" | {statistics.median(run['bench'] for run in runs):,.0f} |")
    topics = sorted({topic for runs in costs.values() for run in runs for topic in run["records"]})
    print()
    print("Kafka records written per message (medians; topic end offsets before and after each run)")
    print()
    for rate, runs in sorted(costs.items()):
        total = statistics.median(sum(run["records"].values()) for run in runs)
        print(f"- {rate:,} msg/s: {total:.2f} in all: " + ", ".join(
            f"{topic} {statistics.median(run['records'].get(topic, 0) for run in runs):.2f}" for topic in topics
            if statistics.median(run["records"].get(topic, 0) for run in runs) >= 0.005))

ceiling_path = folder / "kafka-ceiling.json"
if ceiling_path.exists():
    ceiling = json.loads(ceiling_path.read_text())
    e2e = ceiling["endToEndMillis"]
    print()
    print(f"Raw Kafka ceiling (kafka-ceiling.sh, {ceiling['recordBytes']} B records): producer "
          f"{ceiling['producerRecordsPerSecond']:,.0f} records/s ({ceiling['producerMbPerSecond']} MB/s), "
          f"end-to-end p50 / p99 / p99.9 {e2e['p50']} / {e2e['p99']} / {e2e['p999']} ms")
    for rate, reports in sorted(by_rate.items()):
        achieved = median(reports, "sendRate")
        print(f"- {rate:,} msg/s target: achieved {achieved:,.0f} msg/s = "
              f"{achieved / ceiling['producerRecordsPerSecond']:.2%} of the raw producer ceiling")
