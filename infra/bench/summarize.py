"""Medians over the runs of each rate, from the load generator's JSON reports in one folder."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1])
by_rate = {}
for path in sorted(folder.glob("rate-*-run-*.json")):
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
