package io.socialink.delivery.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class QueueStateTest {

    @Test
    void shouldReadBackWhatItWrote() {
        // given
        QueueState state = new QueueState(12, 3, 10, 2, true, 11, 10, 1_700_000_000_000L, 9);

        // when
        QueueState read = QueueState.fromBytes(state.toBytes());

        // then
        assertThat(read).isEqualTo(state);
    }

    @Test
    void shouldReadTheFirstFormatAsUnindexedWithNoPushKnown() {
        // given a state as format 1 wrote it
        byte[] formatOne = ByteBuffer.allocate(1 + 3 * Long.BYTES + 2 * Integer.BYTES + 1)
                .put((byte) 1)
                .putLong(12)
                .putInt(3)
                .putLong(10)
                .putInt(2)
                .put((byte) 1)
                .putLong(11)
                .array();

        // when
        QueueState read = QueueState.fromBytes(formatOne);

        // then
        assertThat(read).isEqualTo(new QueueState(12, 3, 10, 2, true, 11, -1, -1, Long.MAX_VALUE));
        assertThat(read.isIdle()).isFalse();
    }

    @Test
    void shouldReadTheSecondFormatAsNotKnowingWhichEntriesHaveACount() {
        // given a state as format 2 wrote it
        byte[] formatTwo = ByteBuffer.allocate(1 + 5 * Long.BYTES + 2 * Integer.BYTES + 1)
                .put((byte) 2)
                .putLong(12)
                .putInt(3)
                .putLong(10)
                .putInt(2)
                .put((byte) 0)
                .putLong(-1)
                .putLong(10)
                .putLong(1_700_000_000_000L)
                .array();

        // when
        QueueState read = QueueState.fromBytes(formatTwo);

        // then
        assertThat(read).isEqualTo(new QueueState(12, 3, 10, 2, false, -1, 10, 1_700_000_000_000L, Long.MAX_VALUE));
        assertThat(read.mayBeCounted(0)).isTrue();
    }

    @Test
    void shouldKnowWhichEntriesMayHaveAPushCount() {
        // given
        QueueState state = QueueState.EMPTY.appended().appended().appended();

        // when
        QueueState counted = state.counted(1);

        // then
        assertThat(state.mayBeCounted(0)).isFalse();
        assertThat(counted.mayBeCounted(0)).isTrue();
        assertThat(counted.mayBeCounted(1)).isTrue();
        assertThat(counted.mayBeCounted(2)).isFalse();
        assertThat(counted.counted(0).mayBeCounted(1)).isTrue();
    }

    @Test
    void shouldKnowAnEntryWasPushedOnceAnyConnectionPushedItAndAfterReconnects() {
        // given
        QueueState state = QueueState.EMPTY.appended().appended().pushed(0);

        // when
        QueueState reconnected = state.disconnected().connected();

        // then
        assertThat(reconnected.wasPushed(0)).isTrue();
        assertThat(reconnected.wasPushed(1)).isFalse();
        assertThat(reconnected.pushedThrough()).isEqualTo(-1);
    }

    @Test
    void shouldStayStoredWhileTheQueueIsInTheDeadlineIndex() {
        // given
        QueueState emptied = QueueState.EMPTY.appended().indexed(5_000).removed(0);

        // then
        assertThat(emptied.isIdle()).isFalse();
        assertThat(emptied.indexed(-1).isIdle()).isTrue();
    }
}
