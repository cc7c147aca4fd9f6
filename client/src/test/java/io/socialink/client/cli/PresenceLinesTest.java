package io.socialink.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.socket.DeviceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@code * ...} lines {@code chat} and {@code listen} print for presence and typing events. */
class PresenceLinesTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final ListenCommand.Printer printer = new ListenCommand.Printer(
            new PrintWriter(out), new PrintWriter(err), new AtomicInteger(), new CountDownLatch(1));

    @Test
    void shouldPrintPresenceChangesSnapshotsAndTypingToStderr() {
        // when
        printer.onEvent(event(
                "presence-snapshot",
                Map.of(
                        "users",
                        "[{\"userId\":\"bob\",\"online\":false,\"lastSeen\":0,\"status\":\"busy\","
                                + "\"statusText\":\"at work\"}]")));
        printer.onEvent(event(
                "presence",
                Map.of(
                        "userId",
                        "bob",
                        "online",
                        "true",
                        "lastSeen",
                        "null",
                        "status",
                        "available",
                        "statusText",
                        "")));
        printer.onEvent(event(
                "presence",
                Map.of("userId", "bob", "online", "false", "lastSeen", "", "status", "", "statusText", "")));
        printer.onEvent(event("typing", Map.of("conversationId", "alice~bob", "userId", "bob", "typing", "true")));
        printer.onEvent(event("typing", Map.of("conversationId", "Z3JvdXA", "userId", "carol", "typing", "false")));

        // then
        assertThat(err.toString().lines().toList())
                .isEqualTo(List.of(
                        "* bob is offline, last seen 1970-01-01T00:00:00Z (busy): at work",
                        "* bob is online",
                        "* bob is offline",
                        "* bob is typing",
                        "* carol stopped typing in group Z3JvdXA"));
        assertThat(out.toString()).isEmpty();
    }

    private static DeviceEvent event(String type, Map<String, String> attributes) {
        return new DeviceEvent(type, UUID.randomUUID(), attributes, List.of());
    }
}
