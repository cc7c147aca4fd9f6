#!/usr/bin/env python3
"""Prints the records of a Socialink metadata topic as JSON lines, decoded without any Socialink code.

Each value is Avro single-object encoded: the marker bytes C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint
of the writer's schema, then the Avro binary datum. The writer's schema is found among the versions kept in
schemas/src/main/resources/schema-history/<Record>/v<N>.avsc by that fingerprint, so no schema registry is needed.

Needs Apache Avro's and Confluent's Python packages (Debian: python3-avro python3-confluent-kafka; pip: avro
confluent-kafka). Example:

    python3 docs/examples/metadata_tail.py --bootstrap localhost:9092 --topic metadata.messages --from-beginning
"""

import argparse
import datetime
import io
import json
import pathlib
import sys

import avro.io
import avro.schema
from confluent_kafka import Consumer, TopicPartition

MARKER = b"\xc3\x01"
EMPTY = 0xC15D213AA4D7A795  # the CRC-64-AVRO seed, from the Avro specification
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def fingerprint(canonical: str) -> int:
    """CRC-64-AVRO (Rabin) of a schema's Parsing Canonical Form."""
    fp = EMPTY
    for byte in canonical.encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical_form(schema, namespace=None):
    """The Avro specification's Parsing Canonical Form of a schema given as parsed JSON."""
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(schema if "." in schema or namespace is None else namespace + "." + schema)
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, namespace) for s in schema) + "]"
    kind = schema["type"]
    if kind in PRIMITIVES:
        return json.dumps(kind)
    if kind in ("record", "enum", "fixed"):
        name = schema["name"]
        space = schema.get("namespace", namespace)
        full = name if "." in name or space is None else space + "." + name
        inner = full.rsplit(".", 1)[0] if "." in full else None
        parts = ['"name":' + json.dumps(full), '"type":' + json.dumps(kind)]
        if kind == "record":
            fields = ",".join(
                '{"name":' + json.dumps(f["name"]) + ',"type":' + canonical_form(f["type"], inner) + "}"
                for f in schema["fields"]
            )
            parts.append('"fields":[' + fields + "]")
        elif kind == "enum":
            parts.append('"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")))
        else:
            parts.append('"size":' + str(schema["size"]))
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return '{"type":"array","items":' + canonical_form(schema["items"], namespace) + "}"
    if kind == "map":
        return '{"type":"map","values":' + canonical_form(schema["values"], namespace) + "}"
    raise ValueError("unknown schema type " + str(kind))


def load_schemas(history: pathlib.Path):
    """Every kept schema version, by its fingerprint."""
    schemas = {}
    for path in sorted(history.glob("*/v*.avsc")):
        text = path.read_text(encoding="utf-8")
        schemas[fingerprint(canonical_form(json.loads(text)))] = (path.parent.name, avro.schema.parse(text))
    return schemas


def decode(value: bytes, schemas):
    if value[:2] != MARKER:
        raise ValueError("not Avro single-object encoded")
    fp = int.from_bytes(value[2:10], "little")
    if fp not in schemas:
        raise ValueError("unknown writer schema fingerprint %016x" % fp)
    name, schema = schemas[fp]
    reader = avro.io.DatumReader(schema, schema)
    return name, reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


def plain(value):
    """JSON-friendly: timestamps (the library's datetimes) as epoch milliseconds."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--topic", default="metadata.messages")
    parser.add_argument(
        "--schemas",
        default=str(pathlib.Path(__file__).resolve().parents[2] / "schemas/src/main/resources/schema-history"),
    )
    parser.add_argument("--from-beginning", action="store_true", help="every partition from its start")
    parser.add_argument("--max", type=int, default=0, help="stop after this many records (0: none)")
    parser.add_argument("--idle", type=float, default=0, help="stop after this many seconds without records")
    args = parser.parse_args()

    schemas = load_schemas(pathlib.Path(args.schemas))
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "metadata-tail",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    metadata = consumer.list_topics(args.topic, timeout=10)
    partitions = metadata.topics[args.topic].partitions
    offset = -2 if args.from_beginning else -1  # OFFSET_BEGINNING, OFFSET_END
    consumer.assign([TopicPartition(args.topic, p, offset) for p in partitions])
    seen = 0
    idle = 0.0
    try:
        while args.max == 0 or seen < args.max:
            message = consumer.poll(0.5)
            if message is None:
                idle += 0.5
                if args.idle and idle >= args.idle:
                    break
                continue
            if message.error():
                print(message.error(), file=sys.stderr)
                continue
            idle = 0.0
            name, record = decode(message.value(), schemas)
            key = message.key().decode("utf-8") if message.key() else None
            print(json.dumps({"topic": message.topic(), "partition": message.partition(), "offset": message.offset(),
                              "key": key, "schema": name, "value": plain(record)}), flush=True)
            seen += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
