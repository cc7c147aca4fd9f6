#!/usr/bin/env bash
# The raw Kafka ceiling of this machine, with the broker's own tools, for the pipeline figures to be read against:
# ProducerPerformance (records/s with acks=all, unthrottled) and EndToEndLatency (produce → consume, one record at a
# time) on a scratch topic of the local broker (infra/socialink kafka start), with records of the given size.
#   infra/bench/kafka-ceiling.sh OUT_DIR [record-bytes] [records]
# Writes OUT_DIR/kafka-ceiling.json: {"recordBytes", "producerRecordsPerSecond", "producerMbPerSecond",
# "endToEndMillis": {"avg", "p50", "p99", "p999"}}. The scratch topic is deleted afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:?usage: kafka-ceiling.sh OUT_DIR [record-bytes] [records]}
SIZE=${2:-512}
RECORDS=${3:-300000}
BOOTSTRAP=${SOCIALINK_KAFKA:-localhost:9092}
LIBS="$ROOT/.run/kafka/libs"
TOPIC="bench.kafka-ceiling"
PARTITIONS=${CEILING_PARTITIONS:-16}
[ -d "$LIBS" ] || { echo "no Kafka jars in $LIBS: start the broker with infra/socialink kafka start" >&2; exit 1; }
mkdir -p "$OUT"

kafka() {
    java -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.xml" -Dkafka.logs.dir="$OUT" \
        -Dkafka.log.name=kafka-ceiling-tools -Dkafka.log.level=warn -cp "$LIBS/*" "$@"
}

kafka org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --delete --if-exists --topic "$TOPIC" \
    >/dev/null 2>&1 || true
sleep 2
kafka org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic "$TOPIC" \
    --partitions "$PARTITIONS" --replication-factor 1 >/dev/null

echo "== raw Kafka: ProducerPerformance, $RECORDS records of $SIZE B, acks=all, $PARTITIONS partitions"
# linger and batch as a throughput-minded producer would set them; the pipeline's own producers are the question
kafka org.apache.kafka.tools.ProducerPerformance --topic "$TOPIC" --num-records "$RECORDS" --record-size "$SIZE" \
    --throughput -1 --producer-props bootstrap.servers="$BOOTSTRAP" acks=all linger.ms=5 batch.size=65536 \
    | tee "$OUT/kafka-producer-perf.txt"

echo "== raw Kafka: EndToEndLatency, 5000 records of $SIZE B, acks=all"
kafka org.apache.kafka.tools.EndToEndLatency "$BOOTSTRAP" "$TOPIC" 5000 all "$SIZE" \
    | tee "$OUT/kafka-end-to-end.txt"

kafka org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --delete --topic "$TOPIC" >/dev/null 2>&1 \
    || true

python3 - "$OUT" "$SIZE" <<'EOF'
import json, pathlib, re, sys
out, size = pathlib.Path(sys.argv[1]), int(sys.argv[2])
perf = (out / "kafka-producer-perf.txt").read_text().strip().splitlines()[-1]
rate = re.search(r"([\d.]+) records/sec \(([\d.]+) MB/sec\)", perf)
e2e = (out / "kafka-end-to-end.txt").read_text()
avg = re.search(r"Avg latency: ([\d.]+) ms", e2e)
pct = re.search(r"Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99\.9th = ([\d.]+)", e2e)
(out / "kafka-ceiling.json").write_text(json.dumps({
    "recordBytes": size,
    "producerRecordsPerSecond": float(rate.group(1)),
    "producerMbPerSecond": float(rate.group(2)),
    "endToEndMillis": {"avg": float(avg.group(1)), "p50": float(pct.group(1)), "p99": float(pct.group(2)),
                       "p999": float(pct.group(3))},
}, indent=2))
EOF
