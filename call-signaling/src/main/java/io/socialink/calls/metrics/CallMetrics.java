package io.socialink.calls.metrics;

import org.jspecify.annotations.Nullable;

/** What call-signaling counts; {@link MicrometerCallMetrics} in the app, a no-op in topology tests. */
public interface CallMetrics {

    /** A command was decided: {@code outcome} accepted or rejected, with the refusal's problem type. */
    void decided(String command, String outcome, @Nullable String problemType);

    /** A call ended, by its outcome (completed, declined, missed, cancelled, busy). */
    void ended(String outcome);

    /** Per-device copies written to device.deliveries. */
    void delivered(int copies);

    CallMetrics NONE = new CallMetrics() {
        @Override
        public void decided(String command, String outcome, @Nullable String problemType) {}

        @Override
        public void ended(String outcome) {}

        @Override
        public void delivered(int copies) {}
    };
}
