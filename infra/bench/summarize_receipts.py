"""Medians over the runs of each rate, from bench-receipts' JSON reports in one folder."""
import json
import pathlib
import statistics
import sys

folder = pathlib.Path(sys.argv[1])
by_rate = {}
for path in sorted(folder.glob("rate-*-run-*.json")):
    report = json.loads(path.read_text())
    if report.get("benchmark") == "receipts":
        by_rate.setdefault(report["options"]["rate"], []).append(report)


def median(reports, *keys):
    values = []
    for report in reports:
        value = report
        for key in keys:
            value = None if value is None else value[key]
        if value is not None:
            values.append(value)
    return statistics.median(values) if values else float("nan")


def percentiles(reports, name):
    return " / ".join(f"{median(reports, name, q):.1f}" for q in ("p50", "p99", "p999"))


print("| target msg/s | runs | ack→receipt, first device p50 / p99 / p99.9 ms"
      " | ack→receipt, both devices p50 / p99 / p99.9 ms | send→201 p50 / p99 ms"
      " | projection events/s (live) | errors | lost | no receipt | partial |")
print("|---|---|---|---|---|---|---|---|---|---|")
for rate, reports in sorted(by_rate.items()):
    send = " / ".join(f"{median(reports, 'sendAckMillis', q):.1f}" for q in ("p50", "p99"))
    print(f"| {rate:,} | {len(reports)} | {percentiles(reports, 'ackToFirstReceiptMillis')} "
          f"| {percentiles(reports, 'ackToLastReceiptMillis')} | {send} "
          f"| {median(reports, 'projection', 'eventsPerSecond'):,.0f} | {median(reports, 'errorCount'):.0f} "
          f"| {median(reports, 'lost'):.0f} | {median(reports, 'noReceipt'):.0f} "
          f"| {median(reports, 'partialReceipts'):.0f} |")
