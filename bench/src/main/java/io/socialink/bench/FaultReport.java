package io.socialink.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a fault-suite load. {@link #passed()} holds when no acknowledged copy was lost, none reached a
 * listener twice, no copy overtook an acknowledged earlier one, no socket stopped for good, and something was
 * acknowledged at all.
 *
 * @param unacknowledged messages given up after the send budget (no promise was made for them)
 * @param failedAttempts send attempts that failed and were retried (gateway, group-fanout or Kafka away)
 * @param lost           acknowledged copies that did not reach their recipient's listener within the drain timeout
 * @param duplicates     copies that reached a listener a second time, after the client's dropping by messageId
 * @param droppedBySockets re-pushed copies the sockets dropped by messageId (expected after crashes)
 * @param orderGaps      copies that reached a recipient while an acknowledged earlier copy of the same sender
 *                       device was still missing
 * @param missingCopies  the first lost copies (at most {@link #MISSING_LISTED}), {@code sender>recipient#sequence}
 */
public record FaultReport(
        FaultBenchOptions options,
        long oneToOneAcked,
        long groupAcked,
        long unacknowledged,
        long failedAttempts,
        long ackedCopies,
        long arrivals,
        long lost,
        long duplicates,
        long droppedBySockets,
        long orderGaps,
        long reconnects,
        long socketsClosed,
        double loadSeconds,
        double drainSeconds,
        Map<String, Long> errors,
        List<String> missingCopies) {

    /** How many lost copies a report names. */
    public static final int MISSING_LISTED = 50;

    public FaultReport {
        errors = Map.copyOf(new TreeMap<>(errors));
        missingCopies = List.copyOf(missingCopies);
    }

    public boolean passed() {
        return lost == 0 && duplicates == 0 && orderGaps == 0 && socketsClosed == 0 && oneToOneAcked + groupAcked > 0;
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "fault suite: %d messages at %d/s (every %d-th a group message, %d group members, %d 1:1 streams)%n",
                options.messages(),
                options.rate(),
                options.groupEvery(),
                options.groupMembers(),
                options.streams()));
        text.append(String.format(
                Locale.ROOT,
                "acked %d (1:1 %d, group %d), unacknowledged %d, failed attempts retried %d %s%n",
                oneToOneAcked + groupAcked,
                oneToOneAcked,
                groupAcked,
                unacknowledged,
                failedAttempts,
                new TreeMap<>(errors)));
        text.append(String.format(
                Locale.ROOT,
                "copies acked %d, arrivals %d; load %.0f s, drain %.1f s; reconnects %d, sockets closed %d, "
                        + "duplicates dropped by the sockets %d%n",
                ackedCopies,
                arrivals,
                loadSeconds,
                drainSeconds,
                reconnects,
                socketsClosed,
                droppedBySockets));
        text.append(String.format(
                Locale.ROOT,
                "acknowledged but lost %d, duplicates after dedup %d, order gaps %d: %s%n",
                lost,
                duplicates,
                orderGaps,
                passed() ? "PASS" : "FAIL"));
        if (!missingCopies.isEmpty()) {
            text.append("lost copies (first ").append(missingCopies.size()).append("): ");
            text.append(String.join(" ", missingCopies)).append(System.lineSeparator());
        }
        return text.toString();
    }

    public String toJson() {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode json = mapper.createObjectNode();
        json.put("benchmark", "faults");
        json.putObject("options")
                .put("server", options.server().toString())
                .put("messages", options.messages())
                .put("rate", options.rate())
                .put("streams", options.streams())
                .put("groupMembers", options.groupMembers())
                .put("groupEvery", options.groupEvery())
                .put("sendBudgetSeconds", options.sendBudget().toSeconds())
                .put("drainTimeoutSeconds", options.drainTimeout().toSeconds());
        json.put("oneToOneAcked", oneToOneAcked)
                .put("groupAcked", groupAcked)
                .put("unacknowledged", unacknowledged)
                .put("failedAttempts", failedAttempts)
                .put("ackedCopies", ackedCopies)
                .put("arrivals", arrivals)
                .put("lost", lost)
                .put("duplicates", duplicates)
                .put("droppedBySockets", droppedBySockets)
                .put("orderGaps", orderGaps)
                .put("reconnects", reconnects)
                .put("socketsClosed", socketsClosed)
                .put("loadSeconds", loadSeconds)
                .put("drainSeconds", drainSeconds)
                .put("passed", passed());
        ObjectNode errorNode = json.putObject("errors");
        new TreeMap<>(errors).forEach(errorNode::put);
        missingCopies.forEach(json.putArray("missingCopies")::add);
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }
}
