"""Per-run figures and medians over the runs, from bench-group's JSON reports in one folder (group-fanout.sh)."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1])
runs = []
for path in sorted(folder.glob("run-*.json"), key=lambda p: int(p.stem.split("-")[1])):
    report = json.loads(path.read_text())
    if report.get("benchmark") == "group-fanout":
        runs.append((path.stem, report))
if not runs:
    sys.exit(f"no bench-group reports in {folder}")


def get(report, *keys):
    value = report
    for key in keys:
        value = None if value is None else value.get(key)
    return value


def median(*keys):
    values = [get(report, *keys) for _, report in runs]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def row(label, fmt, *keys):
    cells = []
    for _, report in runs:
        value = get(report, *keys)
        cells.append("–" if value is None else fmt.format(value))
    values = [get(report, *keys) for _, report in runs]
    if all(isinstance(v, bool) for v in values):
        cells.append("all" if all(values) else "NOT all")
    else:
        cells.append(fmt.format(median(*keys)))
    print(f"| {label} | " + " | ".join(cells) + " |")


first = runs[0][1]
print(f"{first['options']['members']:,} members, {first['options']['recipientDevices']:,} receiving devices, "
      f"{len(runs)} runs")
print()
print("| measure | " + " | ".join(f"run {name.split('-')[1]}" for name, _ in runs) + " | median |")
print("|---" * (len(runs) + 2) + "|")
row("setup (register + KeyPackage + connect) s", "{:.1f}", "setup", "seconds")
row("Add commit: claim ms", "{:.0f}", "welcome", "claimMillis")
row("Add commit: client build ms", "{:.0f}", "welcome", "commitBuildMillis")
row("Add commit: POST → 200 ms", "{:.0f}", "welcome", "postMillis")
row("Add commit: POSTs (503 → resend)", "{:.0f}", "welcome", "posts")
row("Welcome bytes", "{:,.0f}", "welcome", "welcomeBytes")
row("Welcome from the 200: p50 ms", "{:,.0f}", "welcome", "from200Millis", "p50")
row("Welcome from the 200: p99 ms", "{:,.0f}", "welcome", "from200Millis", "p99")
row("Welcome from the 200: last device ms", "{:,.0f}", "welcome", "lastFrom200Millis")
row("Welcome from the POST start: p50 ms", "{:,.0f}", "welcome", "fromPostStartMillis", "p50")
row("Welcome from the POST start: last device ms", "{:,.0f}", "welcome", "lastFromPostStartMillis")
row("Welcome MB delivered", "{:,.0f}", "welcome", "megabytes")
row("Welcome MB/s (from the 200)", "{:.1f}", "welcome", "megabytesPerSecondFrom200")
row("single message: p50 ms (median of the runs)", "{:.0f}", "single", "medianP50Millis")
row("single message: p99 ms (median of the runs)", "{:.0f}", "single", "medianP99Millis")
row("single message: last device ms (median of the runs)", "{:.0f}", "single", "medianLastMillis")
row("single message: last device ms, fastest run", "{:.0f}", "single", "minLastMillis")
row("single message: last device ms, slowest run", "{:.0f}", "single", "maxLastMillis")
row("single message: deliveries/s (median of the runs)", "{:,.0f}", "single", "medianDeliveriesPerSecond")
for name, label in (("burst", "burst"), ("parallelBurst", "parallel burst")):
    if get(first, name) is None or get(first, name, "deliveries") is None:
        continue
    mode = get(first, name, "mode")
    row(f"{label} ({mode}): sends/s", "{:.1f}", name, "sendsPerSecond")
    row(f"{label}: send → 201 p50 ms", "{:.0f}", name, "sendAckMillis", "p50")
    row(f"{label}: deliveries", "{:,.0f}", name, "deliveries")
    row(f"{label}: seconds to the last delivery", "{:.2f}", name, "seconds")
    row(f"{label}: deliveries/s", "{:,.0f}", name, "deliveriesPerSecond")
    row(f"{label}: delivery latency p50 ms", "{:,.0f}", name, "latencyMillis", "p50")
    row(f"{label}: delivery latency p99 ms", "{:,.0f}", name, "latencyMillis", "p99")
row("duplicates left out", "{:.0f}", "checks", "duplicatesLeftOut")
row("sockets closed during the run", "{:.0f}", "checks", "socketsClosed")
row("sampled members decrypted everything", "{}", "checks", "sampledAllDecrypted")

# single-message runs one by one
print()
for name, report in runs:
    lasts = ", ".join(f"{r['lastMillis']:.0f}" for r in report["single"]["runs"])
    print(f"{name}: single-message last device ms per repetition: {lasts}")

# What each delivery cost (cost.py around each run): every process's CPU and the records written to every topic,
# divided by the deliveries of the run (each recipient device gets the Welcome, every single message and every burst
# message once; setup such as registration and KeyPackage uploads is in the figures too)
print()
for name, report in runs:
    cost_path = folder / f"cost-{name}.json"
    if not cost_path.exists():
        continue
    cost = json.loads(cost_path.read_text())
    options = report["options"]
    bursts = options["burst"] * (2 if options["burstParallel"] > 1 else 1)
    deliveries = options["recipientDevices"] * (1 + options["messageRuns"] + bursts)
    cpu = {name: millis * 1000 / deliveries for name, millis in cost["cpuDeltaMillis"].items()}
    cpu["bench-group (client)"] = cost["commandCpuMillis"] * 1000 / deliveries
    before, after = cost["before"]["endOffsets"], cost["after"]["endOffsets"]
    records = {topic: (count - before.get(topic, 0)) / deliveries for topic, count in after.items()}
    system = sum(value for key, value in cpu.items() if key != "bench-group (client)")
    print(f"{name}: {deliveries:,} deliveries; CPU µs per delivery: system {system:,.0f} ("
          + ", ".join(f"{key} {value:,.0f}" for key, value in sorted(cpu.items(), key=lambda item: -item[1]))
          + f"); Kafka records per delivery {sum(records.values()):.2f} ("
          + ", ".join(f"{topic} {value:.2f}" for topic, value in sorted(records.items(), key=lambda item: -item[1])
                      if value >= 0.005) + ")")
