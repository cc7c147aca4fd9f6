package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

class SocketUpgradeObservationsTest {

    private final SocketUpgradeObservations predicate = new SocketUpgradeObservations();

    @Test
    void shouldLeaveOutSocketUpgradesOnly() {
        assertThat(predicate.test("http.server.requests", request("/ws/bob/1"))).isFalse();
        assertThat(predicate.test("http.server.requests", request("/api/v1/messages/bob")))
                .isTrue();
        assertThat(predicate.test("http.server.requests", request("/wsx/bob/1")))
                .isTrue();
        assertThat(predicate.test("kafka.template", new Observation.Context())).isTrue();
    }

    private static ServerRequestObservationContext request(String path) {
        MockServerHttpRequest request = MockServerHttpRequest.get(path).build();
        return new ServerRequestObservationContext(request, new MockServerHttpResponse(), java.util.Map.of());
    }
}
