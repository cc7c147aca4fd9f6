#!/usr/bin/env bash
# The fault suite of docs/benchmarks.md: a whole system of its own (a Kafka broker on its own ports and data
# directory, its own topic prefix and database, the three apps on their own ports), the bench CLI's bench-faults load
# (1:1 and MLS group messages) against it, and meanwhile, in turn and over and over until the load is done:
# kill -9 of the gateway, of the delivery-worker, of group-fanout (each started again at once), and a restart of
# the Kafka broker. The bench reports acknowledged-but-lost messages, duplicates after dedup and per-device order
# gaps; this script exits with its status (0 only when all three are 0).
#   infra/bench/faults.sh [--messages N] [--rate PER_SECOND] [--interval SECONDS] [--no-broker-restart]
#                         [--keep] [-- more bench-faults options]
# Defaults: 100000 messages at 500/s, a fault every 30 s. Environment: FAULTS_PORT_BASE (default 18080: gateway
# +0, delivery-worker +1, group-fanout +2; their internal ports 10 above), FAULTS_KAFKA_PORT (19092; the controller listens one above),
# FAULTS_JAVA_OPTS (apps, default -Xmx512m), BENCH_JAVA_OPTS (the bench, default -Xmx2g).
# Needs the built jars (mvn -B -ntp package -DskipTests), PostgreSQL and Redis (infra/socialink deps).
# Everything lives in .run/faults/<time>/ (removed at the end unless --keep; the logs are kept).
# It never touches the broker, apps or database of infra/socialink.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

MESSAGES=100000
RATE=500
INTERVAL=30
BROKER_RESTART=1
KEEP=0
BENCH_ARGS=()
while (($#)); do
    case "$1" in
        --messages) MESSAGES=$2; shift 2 ;;
        --rate) RATE=$2; shift 2 ;;
        --interval) INTERVAL=$2; shift 2 ;;
        --no-broker-restart) BROKER_RESTART=0; shift ;;
        --keep) KEEP=1; shift ;;
        --) shift; BENCH_ARGS=("$@"); break ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

BASE=${FAULTS_PORT_BASE:-18080}
GATEWAY_PORT=$BASE
WORKER_PORT=$((BASE + 1))
FANOUT_PORT=$((BASE + 2))
# each app's internal (management) port: actuator and the delivery-worker's queue API
INTERNAL_OFFSET=10
KAFKA_PORT=${FAULTS_KAFKA_PORT:-19092}
CONTROLLER_PORT=$((KAFKA_PORT + 1))
APP_OPTS=${FAULTS_JAVA_OPTS:--Xmx512m}
BENCH_OPTS=${BENCH_JAVA_OPTS:--Xmx2g}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN="$ROOT/.run/faults/$STAMP"
LOGS="$RUN/logs"
PREFIX="faults-$STAMP."
DATABASE="socialink_faults_$(tr 'A-Z' 'a-z' <<<"$STAMP")"
START_TIMEOUT=${SOCIALINK_START_TIMEOUT:-300}
mkdir -p "$LOGS"

say() { printf '[faults %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

jar() {
    local found
    found=$(ls "$ROOT"/$1 2>/dev/null | head -n 1) || true
    [[ -n $found ]] || die "no $1: build with mvn -B -ntp package -DskipTests"
    printf '%s\n' "$found"
}
GATEWAY_JAR=$(jar 'gateway/target/gateway-*-exec.jar')
WORKER_JAR=$(jar 'delivery-worker/target/delivery-worker-*-exec.jar')
FANOUT_JAR=$(jar 'group-fanout/target/group-fanout-*-exec.jar')
TOPIC_TOOL=$(jar 'schemas/target/schemas-*-tool.jar')
CLI=$(jar 'bench/target/bench-*-cli.jar')

for port in "$GATEWAY_PORT" "$WORKER_PORT" "$FANOUT_PORT" "$KAFKA_PORT" "$CONTROLLER_PORT"; do
    port_open "$port" && die "port $port is taken; set FAULTS_PORT_BASE / FAULTS_KAFKA_PORT"
done

# ---------------------------------------------------------------- processes of this run only

declare -A PIDS=()
BENCH_PID=

# Starts a process of this run; its pid is kept by name, its output appended to logs/<name>.log.
start_process() {
    local name=$1
    shift
    "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
    PIDS[$name]=$!
}

kill_process() {
    local name=$1 signal=$2 pid=${PIDS[$1]:-} i
    [[ -n $pid ]] || return 0
    kill "-$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    PIDS[$name]=
}

cleanup() {
    local name
    [[ -n $BENCH_PID ]] && kill "$BENCH_PID" 2>/dev/null || true
    for name in gateway group-fanout delivery-worker kafka; do
        kill_process "$name" TERM
    done
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DATABASE" >/dev/null 2>&1 || true
    if ((KEEP == 0)); then
        rm -rf "$RUN/kafka-data" "$RUN/state"
    fi
    say "logs in ${LOGS#"$ROOT"/}"
}
trap cleanup EXIT

# ---------------------------------------------------------------- Kafka, a broker of this run

KAFKA_LIBS="$ROOT/.run/faults/kafka-libs"
kafka_libs() {
    local pom="$ROOT/infra/kafka/pom.xml" stamp="$KAFKA_LIBS/.pom.sha256" want
    want=$(sha256sum "$pom" | cut -d' ' -f1)
    [[ -f $stamp && $(<"$stamp") == "$want" ]] && return 0
    say "fetching the Kafka broker jars (infra/kafka/pom.xml) into .run/faults/kafka-libs"
    rm -rf "$KAFKA_LIBS"
    mkdir -p "$KAFKA_LIBS"
    mvn -B -ntp -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" \
        || die "could not fetch the Kafka jars"
    printf '%s\n' "$want" >"$stamp"
}

kafka_java() {
    java -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.xml" -Dkafka.logs.dir="$LOGS" \
        -Dkafka.log.name="$1" -Dkafka.log.level=warn -cp "$KAFKA_LIBS/*" "${@:2}"
}

kafka_answers() {
    port_open "$KAFKA_PORT" || return 1
    kafka_java kafka-tools org.apache.kafka.tools.BrokerApiVersionsCommand \
        --bootstrap-server "localhost:$KAFKA_PORT" 2>/dev/null | grep -qE '\(id: [0-9]+ .*isFenced: false\) ->'
}

kafka_start() {
    local deadline=$((SECONDS + START_TIMEOUT))
    start_process kafka java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.xml" -Dkafka.logs.dir="$LOGS" \
        -Dkafka.log.name=kafka-server -cp "$KAFKA_LIBS/*" kafka.Kafka "$RUN/server.properties"
    until kafka_answers; do
        kill -0 "${PIDS[kafka]}" 2>/dev/null || die "the broker exited; see ${LOGS#"$ROOT"/}/kafka.log"
        ((SECONDS < deadline)) || die "the broker did not answer within ${START_TIMEOUT} s"
        sleep 1
    done
}

kafka_setup() {
    kafka_libs
    mkdir -p "$RUN/kafka-data"
    {
        sed -e "s/localhost:9092/localhost:$KAFKA_PORT/g" -e "s/localhost:9093/localhost:$CONTROLLER_PORT/g" \
            "$ROOT/infra/kafka/server.properties"
        printf '\nlog.dirs=%s\n' "$RUN/kafka-data"
    } >"$RUN/server.properties"
    kafka_java kafka-tools kafka.tools.StorageTool format --standalone \
        --cluster-id "$(kafka_java kafka-tools kafka.tools.StorageTool random-uuid)" \
        --config "$RUN/server.properties" >>"$LOGS/kafka-format.log" 2>&1 || die "formatting the broker storage failed"
    say "starting a Kafka broker of this run at localhost:$KAFKA_PORT (controller $CONTROLLER_PORT)"
    kafka_start
    KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" SOCIALINK_TOPICS_PREFIX="$PREFIX" \
        java -Dslf4j.internal.verbosity=ERROR -jar "$TOPIC_TOOL" create >>"$LOGS/topics.log" 2>&1 \
        || die "creating the topics failed; see ${LOGS#"$ROOT"/}/topics.log"
}

# ---------------------------------------------------------------- the apps

common_args() {
    printf '%s\n' "--socialink.kafka.bootstrap-servers=localhost:$KAFKA_PORT" "--socialink.topics.prefix=$PREFIX"
}

app_start() {
    local app=$1 port internal deadline args=()
    case "$app" in
        delivery-worker)
            port=$WORKER_PORT
            args=(-jar "$WORKER_JAR" "--socialink.delivery.application-id=${PREFIX}delivery-worker"
                "--socialink.delivery.state-dir=$RUN/state/delivery-worker") ;;
        group-fanout)
            port=$FANOUT_PORT
            args=(-jar "$FANOUT_JAR" "--socialink.groups.application-id=${PREFIX}group-fanout"
                "--socialink.groups.state-dir=$RUN/state/group-fanout") ;;
        gateway)
            port=$GATEWAY_PORT
            args=(-jar "$GATEWAY_JAR" "--socialink.gateway.node-id=0"
                "--socialink.gateway.delivery-worker-url=http://localhost:$((WORKER_PORT + INTERNAL_OFFSET))") ;;
    esac
    internal=$((port + INTERNAL_OFFSET))
    mapfile -t common < <(common_args)
    # shellcheck disable=SC2086 # APP_OPTS is a list of JVM options
    # the local profile: the development platform and internal secrets, as infra/socialink runs the apps
    DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DATABASE" SPRING_PROFILES_ACTIVE=local \
        SOCIALINK_GATEWAY_RATELIMITS_SENDS_CAPACITY=100000000 \
        start_process "$app" java $APP_OPTS "${args[@]}" "--server.port=$port" "--management.server.port=$internal" \
        "${common[@]}"
    deadline=$((SECONDS + START_TIMEOUT))
    until curl -fsS --max-time 3 "http://localhost:$port/readyz" 2>/dev/null | grep -q '"UP"'; do
        kill -0 "${PIDS[$app]}" 2>/dev/null || die "$app exited; see ${LOGS#"$ROOT"/}/$app.log"
        ((SECONDS < deadline)) || die "$app was not healthy within ${START_TIMEOUT} s"
        sleep 1
    done
}

# ---------------------------------------------------------------- the run

psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $DATABASE" >/dev/null \
    || die "cannot create database $DATABASE (infra/socialink deps starts PostgreSQL and Redis)"
kafka_setup
for app in delivery-worker group-fanout gateway; do
    say "starting $app"
    app_start "$app"
done

say "bench-faults: $MESSAGES messages at $RATE/s; a fault every $INTERVAL s"
# shellcheck disable=SC2086 # BENCH_OPTS is a list of JVM options
java $BENCH_OPTS -jar "$CLI" bench-faults --server "http://localhost:$GATEWAY_PORT" --messages "$MESSAGES" \
    --rate "$RATE" --json "$RUN/report.json" "${BENCH_ARGS[@]}" >"$LOGS/bench.log" 2>&1 </dev/null &
BENCH_PID=$!
until grep -q "fault load started" "$LOGS/bench.log" 2>/dev/null; do
    kill -0 "$BENCH_PID" 2>/dev/null || { cat "$LOGS/bench.log"; die "bench-faults ended during its setup"; }
    sleep 1
done
say "load started"

FAULTS=(gateway delivery-worker group-fanout)
((BROKER_RESTART)) && FAULTS+=(kafka)
declare -A INJECTED=()
next=0
while kill -0 "$BENCH_PID" 2>/dev/null && ! grep -q "fault load done" "$LOGS/bench.log"; do
    for ((i = 0; i < INTERVAL; i++)); do
        sleep 1
        kill -0 "$BENCH_PID" 2>/dev/null && ! grep -q "fault load done" "$LOGS/bench.log" || break 2
    done
    fault=${FAULTS[next % ${#FAULTS[@]}]}
    next=$((next + 1))
    if [[ $fault == kafka ]]; then
        say "restarting the Kafka broker ($(tail -n 1 "$LOGS/bench.log"))"
        kill_process kafka TERM
        kafka_start
    else
        say "kill -9 $fault ($(tail -n 1 "$LOGS/bench.log"))"
        kill_process "$fault" KILL
        app_start "$fault"
    fi
    INJECTED[$fault]=$((${INJECTED[$fault]:-0} + 1))
    say "$fault is back"
done

status=0
wait "$BENCH_PID" || status=$?
BENCH_PID=
summary=""
for fault in "${FAULTS[@]}"; do
    summary+=" $fault=${INJECTED[$fault]:-0}"
done
say "faults injected:$summary"
sed -n '/fault load done/,$p' "$LOGS/bench.log"
cp "$RUN/report.json" "$LOGS/" 2>/dev/null || true
exit "$status"
