package io.socialink.delivery.metrics;

/** What the topology counts; the app backs it with Micrometer, tests with {@link #NONE}. */
public interface DeliveryMetrics {

    DeliveryMetrics NONE = new DeliveryMetrics() {};

    /** A delivery was appended to a queue. */
    default void queued() {}

    /** A delivery was ignored: its messageId was queued or acknowledged already. */
    default void duplicate() {}

    /** A queue entry was pushed to a connection. */
    default void pushed() {}

    /** A queue entry was acknowledged and removed. */
    default void acked() {}

    /** A queue entry expired undelivered. */
    default void expired() {}

    /** A queue entry was dropped undelivered because its queue was full. */
    default void dropped() {}

    /** A queue entry was dropped undelivered after too many pushes without an ack (also counted as dropped). */
    default void redeliveryLimited() {}

    /** An undelivered queue entry was removed by a delete-for-everyone. */
    default void deleted() {}

    /** A route timed out: the gateway incarnation holding its socket went silent. */
    default void routeExpired() {}
}
