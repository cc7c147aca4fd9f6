package io.socialink.bench;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.socket.DeviceSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Setting up the fresh devices of a bench run. */
final class BenchDevices {

    private BenchDevices() {}

    /** A user id prefix no earlier run used, so a run never meets the queues or keys of another. */
    static String runId(String prefix) {
        return prefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Registers users {@code prefix0} to {@code prefix(count-1)}, one device each. */
    static List<DeviceCredentials> register(SocialinkClient client, String prefix, int count) {
        // opaque payloads need no one-time prekeys; the device still registers real signed keys
        return register(client, prefix, count, 0);
    }

    /** As {@link #register(SocialinkClient, String, int)}, each device with {@code preKeys} one-time prekeys. */
    static List<DeviceCredentials> register(SocialinkClient client, String prefix, int count, int preKeys) {
        List<DeviceCredentials> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(client.register(prefix + i, preKeys));
        }
        return devices;
    }

    /**
     * Waits until every socket has been handed what queued before it connected, so that nothing left over from
     * the registration is taken for a message of the run.
     */
    static void awaitQueueEmpty(List<DeviceSocket> sockets, Duration timeout) throws InterruptedException {
        for (DeviceSocket socket : sockets) {
            if (!socket.awaitQueueEmpty(timeout)) {
                throw new IllegalStateException(
                        "no queue-empty for " + socket.device().address());
            }
        }
    }
}
