package io.socialink.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a run, counting only messages whose intended send time fell after the warm-up (loss and errors
 * count every message). Rates are measured acknowledgements and receptions per second over the measured window,
 * stretched to the last of them when the system lagged behind the schedule.
 *
 * @param ackedTotal every send acknowledged with 201 during the whole run, warm-up included (what the processes'
 *                   CPU time and the topics' records of a run are divided by)
 * @param saturated sends that had to wait because {@code --max-in-flight} sends were outstanding
 * @param unsent    scheduled messages never sent because the run fell too far behind its schedule
 * @param lost      acknowledged with 201 but not received by the recipient's socket within the drain timeout
 * @param socketsClosed recipient sockets that ended before the run did (their later messages count as lost)
 * @param reconnects    lost connections the recipient sockets connected again by themselves
 */
public record BenchReport(
        BenchOptions options,
        long sent,
        long acked,
        long ackedTotal,
        long received,
        double sendRate,
        double receiveRate,
        Map<String, Long> errors,
        long lost,
        long duplicates,
        long saturated,
        long unsent,
        long socketsClosed,
        long reconnects,
        LatencySummary sendAck,
        LatencySummary sendToSocket) {

    public BenchReport {
        errors = Map.copyOf(new TreeMap<>(errors));
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "target %d msg/s for %ds (+%ds warm-up), %d senders -> %d recipients, %d B, max %d in flight, %s%n",
                options.rate(),
                options.duration().toSeconds(),
                options.warmup().toSeconds(),
                options.senders(),
                options.recipients(),
                options.size(),
                options.maxInFlight(),
                options.transport() == BenchOptions.Transport.WS ? "sends over WebSockets" : "sends over REST"));
        text.append(String.format(
                Locale.ROOT,
                "sent %d, acked %d (%.1f/s), received %d (%.1f/s)%n",
                sent,
                acked,
                sendRate,
                received,
                receiveRate));
        text.append(String.format(
                Locale.ROOT,
                "errors %d%s, lost %d, duplicates %d, saturated %d, unsent %d, sockets closed %d, reconnects %d%n",
                errorCount(),
                errors.isEmpty() ? "" : " " + new TreeMap<>(errors),
                lost,
                duplicates,
                saturated,
                unsent,
                socketsClosed,
                reconnects));
        text.append(line("send -> 201", sendAck));
        text.append(line("send -> socket", sendToSocket));
        return text.toString();
    }

    public String toJson() {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode json = mapper.createObjectNode();
        ObjectNode config = json.putObject("options");
        config.put("server", options.server().toString())
                .put("rate", options.rate())
                .put("durationSeconds", options.duration().toSeconds())
                .put("warmupSeconds", options.warmup().toSeconds())
                .put("senders", options.senders())
                .put("recipients", options.recipients())
                .put("size", options.size())
                .put("maxInFlight", options.maxInFlight())
                .put("transport", options.transport().name().toLowerCase(Locale.ROOT));
        json.put("sent", sent)
                .put("acked", acked)
                .put("ackedTotal", ackedTotal)
                .put("received", received)
                .put("sendRate", sendRate)
                .put("receiveRate", receiveRate)
                .put("errorCount", errorCount())
                .put("lost", lost)
                .put("duplicates", duplicates)
                .put("saturated", saturated)
                .put("unsent", unsent)
                .put("socketsClosed", socketsClosed)
                .put("reconnects", reconnects);
        ObjectNode errorNode = json.putObject("errors");
        new TreeMap<>(errors).forEach(errorNode::put);
        latency(json.putObject("sendAckMillis"), sendAck);
        latency(json.putObject("sendToSocketMillis"), sendToSocket);
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    static void latency(ObjectNode node, LatencySummary summary) {
        node.put("count", summary.count())
                .put("p50", summary.p50Millis())
                .put("p99", summary.p99Millis())
                .put("p999", summary.p999Millis())
                .put("max", summary.maxMillis());
    }

    static String line(String name, LatencySummary summary) {
        return String.format(
                Locale.ROOT,
                "%-15s p50 %9.3f ms  p99 %9.3f ms  p99.9 %9.3f ms  max %9.3f ms  (n=%d)%n",
                name,
                summary.p50Millis(),
                summary.p99Millis(),
                summary.p999Millis(),
                summary.maxMillis(),
                summary.count());
    }
}
