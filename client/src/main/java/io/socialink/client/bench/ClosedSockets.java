package io.socialink.client.bench;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sockets that ended during a run. A socket the server closes mid-run loses messages the report would otherwise
 * blame on the gateway, so each is printed and counted; the closes of the run's own teardown are not.
 */
final class ClosedSockets {

    private final PrintWriter out;
    private final LongAdder closed = new LongAdder();
    private volatile boolean finishing;

    ClosedSockets(PrintWriter out) {
        this.out = out;
    }

    /** From now on closes are the run's own. */
    void finishing() {
        finishing = true;
    }

    void closed(DeviceCredentials device, CloseStatus status) {
        if (!finishing) {
            closed.increment();
            out.printf(Locale.ROOT, "socket of %s closed during the run: %d %s%n", device.address(),
                    status.code(), status.reason());
            out.flush();
        }
    }

    long count() {
        return closed.sum();
    }
}
