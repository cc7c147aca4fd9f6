package io.socialink.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a receipt latency run ({@link ReceiptLatencyBench}), counting only messages whose intended send
 * time fell after the warm-up (errors count every message). Ack → receipt delays run from the moment the
 * recipient's listener returned (the socket acks right after) to the receipt frame reaching a sender device's
 * listener: {@code ackToFirst} on whichever of the sender's devices showed it first, {@code ackToLast} once every
 * one of them had.
 *
 * @param recipientAcks   measured messages the recipient received and acked
 * @param firstSeen       measured messages whose receipt at least one sender device saw
 * @param allSeen         measured messages whose receipt every sender device saw
 * @param noReceipt       measured acked messages no sender device saw a receipt of within the drain timeout
 * @param partialReceipts measured acked messages only some sender devices saw a receipt of
 * @param otherDevice     receipts about a sender's own linked device (its copy's ack), expected and not timed
 * @param repeated        receipts a sender device saw twice for the same message
 * @param unmatched       receipts for messages no recipient of this run acked
 * @param reconnects      lost connections the sockets of the run connected again by themselves
 * @param projectionRate  the gateway's status projection events applied per second over the run, or null
 */
public record ReceiptBenchReport(
        BenchOptions options,
        int senderDevices,
        long sent,
        long acked,
        long recipientAcks,
        long firstSeen,
        long allSeen,
        Map<String, Long> errors,
        long lost,
        long noReceipt,
        long partialReceipts,
        long otherDevice,
        long repeated,
        long unmatched,
        long saturated,
        long unsent,
        long socketsClosed,
        long reconnects,
        LatencySummary sendAck,
        LatencySummary ackToFirst,
        LatencySummary ackToLast,
        @Nullable ProjectionRate projectionRate) {

    /** Growth of {@code socialink_projection_events_applied_total} between two scrapes. */
    public record ProjectionRate(double events, double seconds) {

        public double perSecond() {
            return seconds > 0 ? events / seconds : 0;
        }
    }

    public ReceiptBenchReport {
        errors = Map.copyOf(new TreeMap<>(errors));
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "target %d msg/s for %ds (+%ds warm-up), %d senders x %d devices -> %d recipients, %d B%n",
                options.rate(),
                options.duration().toSeconds(),
                options.warmup().toSeconds(),
                options.senders(),
                senderDevices,
                options.recipients(),
                options.size()));
        text.append(String.format(
                Locale.ROOT,
                "sent %d, 201 %d, recipient acks %d, receipt seen by first device %d, by all %d devices %d%n",
                sent,
                acked,
                recipientAcks,
                firstSeen,
                senderDevices,
                allSeen));
        text.append(String.format(
                Locale.ROOT,
                "errors %d%s, lost %d, no receipt %d, partial %d, repeated %d, unmatched %d, other-device %d,"
                        + " saturated %d, unsent %d, sockets closed %d, reconnects %d%n",
                errorCount(),
                errors.isEmpty() ? "" : " " + new TreeMap<>(errors),
                lost,
                noReceipt,
                partialReceipts,
                repeated,
                unmatched,
                otherDevice,
                saturated,
                unsent,
                socketsClosed,
                reconnects));
        if (projectionRate != null) {
            text.append(String.format(
                    Locale.ROOT,
                    "status projection: %.0f events applied in %.1f s, %.1f events/s%n",
                    projectionRate.events(),
                    projectionRate.seconds(),
                    projectionRate.perSecond()));
        }
        text.append(BenchReport.line("send -> 201", sendAck));
        text.append(BenchReport.line("ack -> first", ackToFirst));
        text.append(BenchReport.line("ack -> last", ackToLast));
        return text.toString();
    }

    public String toJson() {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode json = mapper.createObjectNode();
        json.put("benchmark", "receipts");
        ObjectNode config = json.putObject("options");
        config.put("server", options.server().toString())
                .put("rate", options.rate())
                .put("durationSeconds", options.duration().toSeconds())
                .put("warmupSeconds", options.warmup().toSeconds())
                .put("senders", options.senders())
                .put("senderDevices", senderDevices)
                .put("recipients", options.recipients())
                .put("size", options.size())
                .put("maxInFlight", options.maxInFlight());
        json.put("sent", sent)
                .put("acked", acked)
                .put("recipientAcks", recipientAcks)
                .put("firstSeen", firstSeen)
                .put("allSeen", allSeen)
                .put("errorCount", errorCount())
                .put("lost", lost)
                .put("noReceipt", noReceipt)
                .put("partialReceipts", partialReceipts)
                .put("otherDevice", otherDevice)
                .put("repeated", repeated)
                .put("unmatched", unmatched)
                .put("saturated", saturated)
                .put("unsent", unsent)
                .put("socketsClosed", socketsClosed)
                .put("reconnects", reconnects);
        ObjectNode errorNode = json.putObject("errors");
        new TreeMap<>(errors).forEach(errorNode::put);
        BenchReport.latency(json.putObject("sendAckMillis"), sendAck);
        BenchReport.latency(json.putObject("ackToFirstReceiptMillis"), ackToFirst);
        BenchReport.latency(json.putObject("ackToLastReceiptMillis"), ackToLast);
        if (projectionRate == null) {
            json.putNull("projection");
        } else {
            json.putObject("projection")
                    .put("eventsApplied", projectionRate.events())
                    .put("seconds", projectionRate.seconds())
                    .put("eventsPerSecond", projectionRate.perSecond());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }
}
