package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ClosedSocketsTest {

    @Test
    void shouldReportClosesDuringTheRunButNotThoseOfItsTeardown() {
        // given
        StringWriter printed = new StringWriter();
        ClosedSockets closed = new ClosedSockets(new PrintWriter(printed));
        DeviceCredentials device = new DeviceCredentials("bob", 2, "s3cret", 17);

        // when
        closed.closed(device, new CloseStatus(1011, "boom"));
        closed.finishing();
        closed.closed(device, new CloseStatus(1000, "bye"));

        // then
        assertThat(closed.count()).isEqualTo(1);
        assertThat(printed.toString())
                .isEqualTo(
                        "socket of " + device.address() + " closed during the run: 1011 boom" + System.lineSeparator());
    }
}
