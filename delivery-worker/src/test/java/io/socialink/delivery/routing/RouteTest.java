package io.socialink.delivery.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RouteTest {

    @Test
    void shouldReadBackWhatItWrites() {
        // given
        Route route = new Route(5, "3f1c2a9e-0000-4000-8000-000000000001", "incarnation-é", 1_700_000_000_123L);

        // when
        Route read = Route.SERDE
                .deserializer()
                .deserialize("", Route.SERDE.serializer().serialize("", route));

        // then
        assertThat(read).isEqualTo(route);
    }

    @Test
    void shouldReadARouteWrittenBeforeIncarnationsWithAnEmptyOne() {
        // given a route of format 1: node, last seen, connection id
        byte[] id = "old-socket".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = ByteBuffer.allocate(1 + 4 + 8 + id.length)
                .put((byte) 1)
                .putInt(2)
                .putLong(42L)
                .put(id)
                .array();

        // when
        Route read = Route.fromBytes(bytes);

        // then
        assertThat(read).isEqualTo(new Route(2, "old-socket", "", 42L));
    }

    @Test
    void shouldRefuseAnUnknownFormat() {
        assertThatThrownBy(() -> Route.fromBytes(new byte[] {9, 0, 0, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }
}
