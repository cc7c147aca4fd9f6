package io.socialink.delivery.runtime;

/** Where a device's queue can be read now ({@link DeliveryStreams#locate}). */
public sealed interface QueueLocation {

    /** This instance holds the queue, in its stores of {@code partition}. */
    record Local(int partition) implements QueueLocation {}

    /** Another instance holds it; {@code hostPort} is that instance's internal address. */
    record Remote(String hostPort) implements QueueLocation {}

    /** No instance can answer now (rebalance, restore, no advertised address); worth a retry. */
    record Unavailable(String reason) implements QueueLocation {}
}
