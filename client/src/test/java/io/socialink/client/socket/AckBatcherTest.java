package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AckBatcherTest {

    private final List<List<String>> frames = new ArrayList<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();

    private final AckBatcher batcher = new AckBatcher(
            ids -> {
                frames.add(List.copyOf(ids));
                CompletableFuture<Void> write = new CompletableFuture<>();
                writes.add(write);
                return write;
            },
            3);

    @Test
    void shouldSendTheFirstAckAtOnce() {
        // when
        batcher.ack("a");

        // then
        assertThat(frames).containsExactly(List.of("a"));
    }

    @Test
    void shouldCoalesceAcksWhileAFrameIsBeingWritten() {
        // given
        batcher.ack("a");
        batcher.ack("b");
        batcher.ack("c");

        // when
        writes.get(0).complete(null);

        // then
        assertThat(frames).containsExactly(List.of("a"), List.of("b", "c"));
    }

    @Test
    void shouldSplitBatchesAtTheMaximum() {
        // given
        batcher.ack("a");
        List.of("b", "c", "d", "e").forEach(batcher::ack);

        // when
        writes.get(0).complete(null);
        writes.get(1).complete(null);

        // then
        assertThat(frames).containsExactly(List.of("a"), List.of("b", "c", "d"), List.of("e"));
    }

    @Test
    void shouldBecomeIdleOnlyWhenEverythingIsWritten() {
        // given
        batcher.ack("a");
        batcher.ack("b");
        CompletableFuture<Void> idle = batcher.idle();

        // when
        writes.get(0).complete(null);
        boolean idleAfterFirst = idle.isDone();
        writes.get(1).completeExceptionally(new IllegalStateException("closed"));

        // then
        assertThat(idleAfterFirst).isFalse();
        assertThat(idle).isDone();
        assertThat(batcher.idle()).isDone();
    }
}
