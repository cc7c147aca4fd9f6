package io.socialink.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the fault suite promised and what arrived, per stream (one sender device → one recipient device): the
 * sequence numbers acknowledged to the sender, and every arrival at the recipient's listener, after the client's
 * duplicate dropping, in arrival order. From these: acknowledged copies that never arrived (lost), arrivals of a
 * copy that had arrived already (duplicates after dedup), and arrivals that overtook an acknowledged earlier copy
 * still missing at that moment (order gaps: the sender sent one message at a time, so an acknowledged message
 * must reach each recipient before every later one). Thread-safe.
 */
final class FaultLedger {

    private final Map<String, Set<Long>> acked = new HashMap<>();
    private final Map<String, List<Long>> arrivals = new HashMap<>();
    private long ackedCopies;

    static String stream(String sender, String recipient) {
        return sender + ">" + recipient;
    }

    synchronized void acked(String sender, List<String> recipients, long sequence) {
        for (String recipient : recipients) {
            acked.computeIfAbsent(stream(sender, recipient), ignored -> new HashSet<>())
                    .add(sequence);
            ackedCopies++;
        }
    }

    synchronized void arrived(String sender, String recipient, long sequence) {
        arrivals.computeIfAbsent(stream(sender, recipient), ignored -> new ArrayList<>())
                .add(sequence);
    }

    synchronized long ackedCopies() {
        return ackedCopies;
    }

    /** Acknowledged copies that have not arrived (yet). */
    synchronized long missing() {
        long missing = 0;
        for (Map.Entry<String, Set<Long>> stream : acked.entrySet()) {
            Set<Long> arrived = new HashSet<>(arrivals.getOrDefault(stream.getKey(), List.of()));
            for (Long sequence : stream.getValue()) {
                if (!arrived.contains(sequence)) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /**
     * Up to {@code limit} acknowledged copies that have not arrived (yet), as {@code sender>recipient#sequence}
     * in stream and sequence order: which streams lost what, to match against the apps' logs.
     */
    synchronized List<String> missingCopies(int limit) {
        List<String> missing = new ArrayList<>();
        for (String stream : new TreeSet<>(acked.keySet())) {
            Set<Long> arrived = new HashSet<>(arrivals.getOrDefault(stream, List.of()));
            for (Long sequence : new TreeSet<>(acked.get(stream))) {
                if (missing.size() == limit) {
                    return missing;
                }
                if (!arrived.contains(sequence)) {
                    missing.add(stream + "#" + sequence);
                }
            }
        }
        return missing;
    }

    /** Arrivals, at the listener, of a copy that had arrived there already. */
    synchronized long duplicates() {
        long duplicates = 0;
        for (List<Long> stream : arrivals.values()) {
            duplicates += stream.size() - new HashSet<>(stream).size();
        }
        return duplicates;
    }

    /** Arrivals that came while an acknowledged copy with a lower sequence number of the same stream was missing. */
    synchronized long orderGaps() {
        long gaps = 0;
        for (Map.Entry<String, List<Long>> stream : arrivals.entrySet()) {
            TreeSet<Long> waiting = new TreeSet<>(acked.getOrDefault(stream.getKey(), Set.of()));
            for (Long sequence : stream.getValue()) {
                waiting.remove(sequence);
                if (!waiting.isEmpty() && waiting.first() < sequence) {
                    gaps++;
                }
            }
        }
        return gaps;
    }

    synchronized long arrivals() {
        return arrivals.values().stream().mapToLong(List::size).sum();
    }
}
