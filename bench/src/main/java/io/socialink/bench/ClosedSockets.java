package io.socialink.bench;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.CloseStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sockets that ended or lost their connection during a run. A socket the server closes mid-run loses messages the
 * report would otherwise blame on the gateway, so each is printed and counted; the closes of the run's own teardown
 * are not. A lost connection the socket reconnected by itself loses nothing but delays what waited: the
 * reconnects are counted (and the first few printed) so a report says how often that happened.
 */
final class ClosedSockets {

    private final PrintWriter out;
    private static final int PRINTED_RECONNECTS = 10;

    private final LongAdder closed = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final LongAdder reconnected = new LongAdder();
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
            out.printf(
                    Locale.ROOT,
                    "socket of %s closed during the run: %d %s%n",
                    device.address(),
                    status.code(),
                    status.reason());
            out.flush();
        }
    }

    void disconnected(DeviceCredentials device, CloseStatus status) {
        disconnected.increment();
        if (disconnected.sum() <= PRINTED_RECONNECTS) {
            out.printf(
                    Locale.ROOT,
                    "socket of %s lost its connection: %d %s; reconnecting%n",
                    device.address(),
                    status.code(),
                    status.reason());
            out.flush();
        }
    }

    void reconnected() {
        reconnected.increment();
    }

    long count() {
        return closed.sum();
    }

    /** Connections lost and connected again by the sockets themselves. */
    long reconnects() {
        return reconnected.sum();
    }
}
