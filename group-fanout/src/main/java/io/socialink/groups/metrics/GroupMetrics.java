package io.socialink.groups.metrics;

/** What the group topology counts; the app backs it with Micrometer, tests with {@link #NONE}. */
public interface GroupMetrics {

    GroupMetrics NONE = new GroupMetrics() {};

    /**
     * A command was decided.
     *
     * @param command     create, commit, message or leave
     * @param outcome     accepted, rejected or retry (an applied command answered again)
     * @param problemType the rejection's problem type, null otherwise
     */
    default void decided(String command, String outcome, String problemType) {}

    /** Per-device copies written to device.deliveries for one command. */
    default void fannedOut(int copies) {}

    /** A group's state came from the per-task cache ({@code true}) or was decoded from the store. */
    default void stateLookup(boolean cached) {}
}
