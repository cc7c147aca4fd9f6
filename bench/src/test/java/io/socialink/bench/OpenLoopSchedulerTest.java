package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopSchedulerTest {

    private static final long MS = 1_000_000L;

    /** A clock that only moves when the scheduler parks or a send takes time. */
    private static final class FakeTime {
        long now;
    }

    private record Fired(long sequence, long intended, long actual) {}

    @Test
    void shouldFireEachMessageAtItsIntendedTime() {
        // given 1000 msg/s, i.e. one per millisecond
        FakeTime time = new FakeTime();
        OpenLoopScheduler scheduler = new OpenLoopScheduler(1000, 5, () -> time.now, nanos -> time.now += nanos);
        List<Fired> fired = new ArrayList<>();

        // when
        long count = scheduler.run(
                0, Long.MAX_VALUE, (sequence, intended) -> fired.add(new Fired(sequence, intended, time.now)));

        // then
        assertThat(count).isEqualTo(5);
        assertThat(fired).extracting(Fired::intended).containsExactly(0L, MS, 2 * MS, 3 * MS, 4 * MS);
        assertThat(fired).allMatch(f -> f.actual() == f.intended());
    }

    @Test
    void shouldKeepIntendedTimesWhenASendStallsSoLatencyIncludesTheStall() {
        // given a send that blocks for 50 ms at message 2
        FakeTime time = new FakeTime();
        OpenLoopScheduler scheduler = new OpenLoopScheduler(1000, 10, () -> time.now, nanos -> time.now += nanos);
        LatencyRecorder latency = new LatencyRecorder();
        List<Fired> fired = new ArrayList<>();

        // when
        scheduler.run(0, Long.MAX_VALUE, (sequence, intended) -> {
            fired.add(new Fired(sequence, intended, time.now));
            if (sequence == 2) {
                time.now += 50 * MS;
            }
            latency.record(intended, time.now);
            return true;
        });

        // then the overdue messages go out at once, still charged from their intended times
        assertThat(fired)
                .extracting(Fired::intended)
                .containsExactly(0L, MS, 2 * MS, 3 * MS, 4 * MS, 5 * MS, 6 * MS, 7 * MS, 8 * MS, 9 * MS);
        assertThat(fired.subList(3, 10)).allMatch(f -> f.actual() == 52 * MS);
        var histogram = latency.cumulative();
        assertThat(histogram.getTotalCount()).isEqualTo(10);
        assertThat(histogram.getMaxValue()).isBetween(49_900L, 50_100L);
        assertThat(histogram.getValueAtPercentile(50)).isBetween(44_900L, 46_100L);
        assertThat(histogram.getMinValue()).isZero();
    }

    @Test
    void shouldStopAtTheDeadline() {
        // given
        FakeTime time = new FakeTime();
        OpenLoopScheduler scheduler = new OpenLoopScheduler(1000, 1000, () -> time.now, nanos -> time.now += nanos);

        // when
        long count = scheduler.run(0, 10 * MS, (sequence, intended) -> true);

        // then
        assertThat(count).isEqualTo(10);
    }

    @Test
    void shouldStopWhenTheFiringRefuses() {
        // given
        FakeTime time = new FakeTime();
        OpenLoopScheduler scheduler = new OpenLoopScheduler(1000, 100, () -> time.now, nanos -> time.now += nanos);

        // when
        long count = scheduler.run(0, Long.MAX_VALUE, (sequence, intended) -> sequence < 7);

        // then
        assertThat(count).isEqualTo(7);
    }

    @Test
    void shouldNotDriftWithRatesThatDoNotDivideASecond() {
        // given
        OpenLoopScheduler scheduler = new OpenLoopScheduler(3, 4, () -> 0, nanos -> {});

        // when
        long third = scheduler.intendedNanos(0, 3);

        // then
        assertThat(third).isEqualTo(1_000_000_000L);
    }
}
