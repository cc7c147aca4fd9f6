package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusCounterTest {

    private static final String NAME = "socialink_projection_events_applied_total";

    @Test
    void shouldReadAnUnlabelledCounter() {
        // given
        String exposition = """
                # HELP socialink_projection_events_applied_total metadata events applied to the status projection
                # TYPE socialink_projection_events_applied_total counter
                socialink_projection_events_applied_total 1271.0
                """;

        // when
        double value = PrometheusCounter.parse(exposition, NAME);

        // then
        assertThat(value).isEqualTo(1271.0);
    }

    @Test
    void shouldSumTheLabelSetsAndIgnoreCountersWithALongerName() {
        // given
        String exposition = """
                socialink_projection_events_applied_total{kind="a",node="0"} 10.0
                socialink_projection_events_applied_total{kind="b"} 5.0 1732570000000
                socialink_projection_events_applied_total_created 1.7E9
                """;

        // when
        double value = PrometheusCounter.parse(exposition, NAME);

        // then
        assertThat(value).isEqualTo(15.0);
    }

    @Test
    void shouldAnswerNaNWhenTheCounterIsAbsent() {
        // given
        String exposition = "jvm_threads_live_threads 42.0\n";

        // when
        double value = PrometheusCounter.parse(exposition, NAME);

        // then
        assertThat(value).isNaN();
    }
}
