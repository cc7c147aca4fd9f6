package io.socialink.client.cli;

import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.store.StoredProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A two-way end-to-end encrypted chat: each line read from stdin is sent, encrypted, to every device of the other
 * user (and to this user's other devices); every message arriving on this device's socket is decrypted and printed
 * as {@code <sentAt> <sender userId.deviceId> <messageId> <text>}. The other user's presence (online, offline with
 * last seen, status) and typing are printed to stderr as {@code * ...} lines as they change. A lost connection is
 * connected again by itself.
 * Ends at end of input (exit 0) or when the socket stopped for good (exit 1: replaced, device removed).
 */
@Command(
        name = "chat",
        description =
                "Two-way encrypted chat: stdin lines are sent, incoming messages printed, " + "until end of input.")
final class ChatCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--with", required = true, paramLabel = "ID", description = "The user to chat with.")
    String peer;

    /** Where the lines to send come from; stdin unless a test sets it. */
    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    @Override
    public Integer call() throws IOException {
        StoredProfile profile = profileOptions.load();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<DeviceSocket> current = new AtomicReference<>();
        AtomicBoolean drained = new AtomicBoolean();
        ListenCommand.Printer printer = new ListenCommand.Printer(out, err, new AtomicInteger(), closed) {
            @Override
            public void onQueueEmpty() {
                super.onQueueEmpty();
                // every connection starts without a subscription: follow the peer again once drained (or right
                // after connect returns, when the first drain came before it did)
                drained.set(true);
                DeviceSocket socket = current.get();
                if (socket != null) {
                    socket.subscribePresence(List.of(peer));
                }
            }
        };
        try (SecureMessenger messenger = profileOptions.messenger(profile);
                DeviceSocket socket = DeviceSocket.connect(
                        profileOptions.client(profile), profile.credentials(), messenger.listener(printer))) {
            current.set(socket);
            if (drained.get()) {
                socket.subscribePresence(List.of(peer));
            }
            err.println("chatting as " + profile.credentials().address() + " with " + peer
                    + "; end input (Ctrl-D) to leave");
            err.flush();
            String line;
            while ((line = input.readLine()) != null) {
                if (!socket.isOpen()) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    messenger.send(peer, line.getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    // a failed line is reported and the chat goes on; the user can type it again
                    err.println("not sent: " + e.getMessage());
                    err.flush();
                }
            }
            CloseStatus serverClose = socket.closed().getNow(null);
            if (serverClose != null) {
                err.println("socket closed by the server: " + serverClose.code() + " " + serverClose.reason());
                return 1;
            }
            return 0;
        }
    }
}
