package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ConnectionLimitTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ConnectionLimit limit(int maxConnections) {
        return new ConnectionLimit(
                new GatewayProperties(0, 10, Duration.ofSeconds(30), Duration.ofSeconds(60), 256, maxConnections),
                new GatewayMetrics(registry));
    }

    @Test
    void shouldLeaveAtLeast1024OrATenthOfTheFileLimitForEverythingElse() {
        assertThat(ConnectionLimit.fromFileLimit(1_048_576)).isEqualTo(1_048_576 - 104_857);
        assertThat(ConnectionLimit.fromFileLimit(65_536)).isEqualTo(65_536 - 6_553);
        assertThat(ConnectionLimit.fromFileLimit(20_000)).isEqualTo(18_000);
        assertThat(ConnectionLimit.fromFileLimit(10_240)).isEqualTo(9_216);
        assertThat(ConnectionLimit.fromFileLimit(4_096)).isEqualTo(3_072);
        assertThat(ConnectionLimit.fromFileLimit(2_048)).isEqualTo(1_024);
    }

    @Test
    void shouldNeverDeriveLessThanOneSocket() {
        assertThat(ConnectionLimit.fromFileLimit(1_025)).isEqualTo(1);
        assertThat(ConnectionLimit.fromFileLimit(1_024)).isEqualTo(1);
        assertThat(ConnectionLimit.fromFileLimit(256)).isEqualTo(1);
        assertThat(ConnectionLimit.fromFileLimit(1)).isEqualTo(1);
    }

    @Test
    void shouldNotCapWhenTheFileLimitIsUnknownAndStayWithinAnInt() {
        assertThat(ConnectionLimit.fromFileLimit(-1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(ConnectionLimit.fromFileLimit(0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(ConnectionLimit.fromFileLimit(Long.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void shouldDeriveTheCapFromThisProcesssFileLimitWithoutASetting() {
        // given
        int derived = ConnectionLimit.fromFileLimit(ConnectionLimit.openFileLimit());

        // then
        assertThat(ConnectionLimit.openFileLimit()).isPositive();
        assertThat(limit(0).max()).isEqualTo(derived);
        assertThat(registry.get(GatewayMetrics.SOCKETS_LIMIT).gauge().value()).isEqualTo(derived);
    }

    @Test
    void shouldTakeTheSettingOverTheFileLimit() {
        assertThat(limit(2).max()).isEqualTo(2);
        assertThat(registry.get(GatewayMetrics.SOCKETS_LIMIT).gauge().value()).isEqualTo(2);
    }

    @Test
    void shouldRefuseOverTheCapAndCountRefusals() {
        // given
        ConnectionLimit limit = limit(2);

        // when
        ConnectionLimit.Slot first = limit.tryReserve();
        ConnectionLimit.Slot second = limit.tryReserve();
        ConnectionLimit.Slot third = limit.tryReserve();

        // then
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(third).isNull();
        assertThat(registry.get(GatewayMetrics.SOCKETS_REFUSED).counter().count())
                .isEqualTo(1);
        assertThat(registry.get(GatewayMetrics.SOCKETS_LIMIT).gauge().value()).isEqualTo(2);
    }

    @Test
    void shouldGiveASlotBackOnceWhenTheUpgradeFails() {
        // given
        ConnectionLimit limit = limit(1);
        ConnectionLimit.Slot slot = limit.tryReserve();

        // when
        slot.releaseUnlessHandedOver();
        slot.releaseUnlessHandedOver();

        // then
        assertThat(limit.held()).isZero();
        assertThat(limit.tryReserve()).isNotNull();
        assertThat(limit.tryReserve()).isNull();
    }

    @Test
    void shouldKeepTheSlotWhileTheSocketLivesAndGiveItBackWhenItEnds() {
        // given
        ConnectionLimit limit = limit(1);
        ConnectionLimit.Slot slot = limit.tryReserve();
        Sinks.Empty<Void> socketEnds = Sinks.empty();
        WebSocketHandler socket = slot.heldBy(session -> socketEnds.asMono());

        // when
        Mono<Void> handling = socket.handle(null);
        slot.releaseUnlessHandedOver();
        handling.subscribe();

        // then
        assertThat(limit.held()).isEqualTo(1);
        assertThat(limit.tryReserve()).isNull();

        // when
        socketEnds.tryEmitEmpty();

        // then
        assertThat(limit.held()).isZero();
        assertThat(limit.tryReserve()).isNotNull();
    }

    @Test
    void shouldGiveTheSlotBackWhenTheSocketHandlerFails() {
        // given
        ConnectionLimit limit = limit(1);
        ConnectionLimit.Slot slot = limit.tryReserve();
        WebSocketHandler failing = session -> {
            throw new IllegalStateException("boom");
        };

        // when
        slot.heldBy(failing).handle((WebSocketSession) null).subscribe(null, error -> {});

        // then
        assertThat(limit.held()).isZero();
    }

    @Test
    void shouldNeverHandOutMoreSlotsThanTheCapUnderContention() throws Exception {
        // given
        int cap = 50;
        int threads = 16;
        ConnectionLimit limit = limit(cap);
        ConcurrentLinkedQueue<ConnectionLimit.Slot> taken = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> runs = new ArrayList<>();

        // when
        for (int t = 0; t < threads; t++) {
            runs.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 1_000; i++) {
                    ConnectionLimit.Slot slot = limit.tryReserve();
                    if (slot != null) {
                        assertThat(limit.held()).isLessThanOrEqualTo(cap);
                        if (i % 2 == 0) {
                            slot.releaseUnlessHandedOver();
                        } else {
                            taken.add(slot);
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> run : runs) {
            run.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // then
        assertThat(taken).hasSize(cap);
        assertThat(limit.held()).isEqualTo(cap);
        taken.forEach(ConnectionLimit.Slot::releaseUnlessHandedOver);
        assertThat(limit.held()).isZero();
    }
}
