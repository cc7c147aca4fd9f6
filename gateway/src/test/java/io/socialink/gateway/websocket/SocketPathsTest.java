package io.socialink.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import org.junit.jupiter.api.Test;

class SocketPathsTest {

    @Test
    void shouldReadTheDeviceFromTheSocketPath() {
        assertThat(SocketPaths.address("/ws/bob/3")).isEqualTo(new DeviceAddress("bob", 3));
    }

    @Test
    void shouldRejectOtherPaths() {
        for (String bad : new String[] {"/ws/bob", "/ws/bob/x", "/ws/bob/3/4", "/api/bob/3", "/ws//3"}) {
            assertThatThrownBy(() -> SocketPaths.address(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
