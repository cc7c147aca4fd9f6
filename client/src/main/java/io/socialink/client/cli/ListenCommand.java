package io.socialink.client.cli;

import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.signal.DecryptedMessage;
import io.socialink.client.signal.SecureMessageListener;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.signal.UndecryptableMessageException;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.DeviceSocketListener;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.StoredProfile;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connects the device's socket, decrypts each envelope and prints {@code <sentAt> <sender userId.deviceId>
 * <messageId> <text>} ({@code [undecryptable: reason]} instead of the text when it cannot be decrypted) and
 * {@code -- queue empty} when the waiting queue has been delivered. A lost connection is connected again by itself
 * ({@code -- connection lost}, {@code -- reconnecting}, {@code -- reconnected} on stderr). Refills one-time prekeys when the server says
 * they run low. Exits 0 after {@code --count} envelopes or at {@code --timeout}; 2 when the timeout came before the
 * count, 1 when the socket stopped for good (replaced by a newer connection, device removed).
 */
@Command(name = "listen", description = "Receive messages on this device's socket, decrypt and print them.")
final class ListenCommand implements Callable<Integer> {

    static final int EXIT_TIMEOUT = 2;

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N envelopes.")
    Integer count;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Exit after this many seconds (non-zero if --count was not reached).")
    Long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        StoredProfile profile = profileOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count != null && count <= 0) {
            return 0;
        }
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        try (SecureMessenger messenger = profileOptions.messenger(profile)) {
            DeviceSocketListener decrypting = messenger.listener(new Printer(out, err, received, done));
            DeviceSocketListener listener = new DeviceSocketListener() {
                @Override
                public void onEnvelope(Envelope envelope) {
                    if (count != null && received.get() >= count) {
                        // left unacked (and undecrypted) for the next listen rather than acked without being shown
                        throw new CountReachedException();
                    }
                    decrypting.onEnvelope(envelope);
                    if (count != null && received.get() >= count) {
                        done.countDown();
                    }
                }

                @Override
                public void onEvent(DeviceEvent event) {
                    decrypting.onEvent(event);
                }

                @Override
                public void onQueueEmpty() {
                    decrypting.onQueueEmpty();
                }

                @Override
                public void onError(Throwable error) {
                    decrypting.onError(error);
                }

                @Override
                public void onClose(CloseStatus status) {
                    decrypting.onClose(status);
                }

                @Override
                public void onDisconnected(CloseStatus status) {
                    decrypting.onDisconnected(status);
                }

                @Override
                public void onReconnecting(int attempt, Duration delay) {
                    decrypting.onReconnecting(attempt, delay);
                }

                @Override
                public void onReconnected(int attempt) {
                    decrypting.onReconnected(attempt);
                }
            };
            DeviceSocket socket = DeviceSocket.connect(profileOptions.client(profile), profile.credentials(), listener);
            boolean finished;
            if (timeoutSeconds != null) {
                finished = done.await(timeoutSeconds, TimeUnit.SECONDS);
            } else {
                done.await();
                finished = true;
            }
            boolean countReached = count != null && received.get() >= count;
            CloseStatus serverClose = socket.closed().getNow(null);
            socket.close();
            if (serverClose != null && !countReached) {
                err.println("socket closed by the server: " + serverClose.code() + " " + serverClose.reason()
                        + (serverClose.isReplaced() ? " (replaced by a newer connection of this device)" : ""));
                return 1;
            }
            if (!finished && count != null && !countReached) {
                err.println("timed out after " + received.get() + " of " + count + " envelopes");
                return EXIT_TIMEOUT;
            }
            return 0;
        }
    }

    /** Keeps one message on one line. */
    static String printable(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
    }

    static String line(Envelope envelope, String text) {
        return Instant.ofEpochMilli(envelope.sentAt()) + " " + envelope.senderAddress() + " " + envelope.messageId()
                + " " + text;
    }

    /**
     * Prints what the messenger decrypted, and to stderr what others do: typing in a conversation with this user,
     * and the presence of the users it follows ({@code chat}), and call events ({@code * call ring <callId> from
     * alice.1 (video)}; the {@code call} commands answer calls); shared with {@code chat}.
     */
    static class Printer implements SecureMessageListener {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        private final PrintWriter out;
        private final PrintWriter err;
        private final AtomicInteger received;
        private final CountDownLatch closed;

        Printer(PrintWriter out, PrintWriter err, AtomicInteger received, CountDownLatch closed) {
            this.out = out;
            this.err = err;
            this.received = received;
            this.closed = closed;
        }

        @Override
        public void onMessage(DecryptedMessage message) {
            out.println(line(message.envelope(), printable(message.plaintext())));
            out.flush();
            received.incrementAndGet();
        }

        @Override
        public void onUndecryptable(Envelope envelope, UndecryptableMessageException error) {
            out.println(line(envelope, "[undecryptable: " + error.getMessage() + "]"));
            out.flush();
            received.incrementAndGet();
        }

        @Override
        public void onQueueEmpty() {
            out.println("-- queue empty");
            out.flush();
        }

        @Override
        public void onEvent(DeviceEvent event) {
            Map<String, String> attributes = event.attributes();
            switch (event.type()) {
                case "typing" ->
                    err.println("* " + attributes.get("userId")
                            + ("true".equals(attributes.get("typing")) ? " is typing" : " stopped typing")
                            + (attributes.getOrDefault("conversationId", "").contains("~")
                                    ? ""
                                    : " in group " + attributes.get("conversationId")));
                case "presence" -> err.println("* " + presence(JSON.readTree(JSON.writeValueAsString(attributes))));
                case "presence-snapshot" -> {
                    for (JsonNode user : JSON.readTree(attributes.getOrDefault("users", "[]"))) {
                        err.println("* " + presence(user));
                    }
                }
                case DeviceEvent.CALL -> {
                    if ("ice".equals(attributes.get("event"))) {
                        return;
                    }
                    // the call commands answer and decrypt; listen only says what happened
                    err.println("* call " + attributes.get("event") + " " + attributes.get("callId") + " from "
                            + attributes.get("callerUserId") + "." + attributes.get("callerDeviceId") + " ("
                            + attributes.get("media") + ")");
                }
                default -> {
                    return;
                }
            }
            err.flush();
        }

        /** {@code bob is online}, {@code bob is offline, last seen <instant>}, with the status when shown. */
        static String presence(JsonNode user) {
            String lastSeen = text(user.get("lastSeen"));
            String status = text(user.get("status"));
            String statusText = text(user.get("statusText"));
            boolean online = "true".equals(text(user.get("online")));
            return text(user.get("userId"))
                    + (online ? " is online" : " is offline")
                    + (!online && lastSeen != null
                            ? ", last seen " + Instant.ofEpochMilli(Long.parseLong(lastSeen))
                            : "")
                    + (status != null && !"available".equals(status) ? " (" + status + ")" : "")
                    + (statusText != null ? ": " + statusText : "");
        }

        /** A member as text; null for a missing, null or empty one (event attributes carry null as "null" or ""). */
        private static @Nullable String text(@Nullable JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            String value = node.isValueNode() ? node.asString() : node.toString();
            return value.isEmpty() || value.equals("null") ? null : value;
        }

        @Override
        public void onPreKeysRefilled(PreKeyStats stats) {
            err.println("uploaded one-time prekeys: " + stats.ecPreKeys() + " EC and " + stats.pqPreKeys()
                    + " Kyber now in the directory");
            err.flush();
        }

        @Override
        public void onError(Throwable error) {
            if (!(error instanceof CountReachedException)) {
                err.println("warning: " + error.getMessage());
                err.flush();
            }
        }

        @Override
        public void onClose(CloseStatus status) {
            closed.countDown();
        }

        @Override
        public void onDisconnected(CloseStatus status) {
            err.println("-- connection lost: " + status.code() + " " + status.reason());
            err.flush();
        }

        @Override
        public void onReconnecting(int attempt, Duration delay) {
            err.println("-- reconnecting in " + delay.toMillis() + " ms (attempt " + attempt + ")");
            err.flush();
        }

        @Override
        public void onReconnected(int attempt) {
            err.println("-- reconnected (attempt " + attempt + ")");
            err.flush();
        }
    }

    private static final class CountReachedException extends RuntimeException {
        CountReachedException() {
            super("listen count reached", null, false, false);
        }
    }
}
