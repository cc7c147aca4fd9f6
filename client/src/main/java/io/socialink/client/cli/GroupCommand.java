package io.socialink.client.cli;

import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.mls.GroupEpochChange;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.GroupMessage;
import io.socialink.client.mls.MlsException;
import io.socialink.client.mls.MlsGroupListener;
import io.socialink.client.mls.MlsGroups;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CloseStatus;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.socket.Envelope;
import io.socialink.client.store.StoredProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * MLS group chat. Groups live in the memory of the process (bcmls cannot save a group), so the {@code chat}
 * subcommand is the process that holds them: it creates a group or waits for a Welcome, then sends every stdin line
 * to the group and prints what arrives.
 */
@Command(
        name = "group",
        description = "MLS group chat (groups live in this process's memory).",
        subcommands = {GroupCommand.Chat.class})
final class GroupCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * {@code group chat --as alice --create team --add bob,carol} or {@code group chat --as bob --join}. Lines
     * {@code /add u1,u2}, {@code /remove u}, {@code /update}, {@code /members}, {@code /leave}; other lines are sent.
     * Received messages print as {@code [groupId] alice.1: text} on stdout; group changes print on stderr. Ends at
     * end of input or after {@code /leave} (exit 0), when the device is removed (exit 0) or when the server closes
     * the socket (exit 1).
     */
    @Command(name = "chat", description = "Create a group (or wait for a Welcome) and chat in it on stdin/stdout.")
    static final class Chat implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @ParentCommand
        GroupCommand parent;

        @Mixin
        ProfileOptions profileOptions;

        @Option(
                names = "--create",
                paramLabel = "GROUP",
                description = "Create this group (a base64url group id, or a name that is turned into one).")
        String create;

        @Option(
                names = "--add",
                split = ",",
                paramLabel = "USER",
                description = "Users to add right after --create, in one commit (comma separated).")
        List<String> add;

        @Option(names = "--join", description = "Wait for a Welcome into a group (--group to pick one).")
        boolean join;

        @Option(names = "--group", paramLabel = "GROUP", description = "With --join: the group to wait for.")
        String group;

        @Option(
                names = "--wait",
                defaultValue = "300",
                paramLabel = "SECONDS",
                description = "With --join: how long to wait for the Welcome (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Option(
                names = "--key-packages",
                defaultValue = "0",
                paramLabel = "N",
                description = "One-time KeyPackages to upload besides a fresh last-resort one (default: "
                        + "${DEFAULT-VALUE}: their secrets die with this process, and the directory would hand "
                        + "leftover ones out to the next run, which could not join with them).")
        int keyPackages;

        /** Where the lines come from; stdin unless a test sets it. */
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        @Override
        public Integer call() throws IOException, InterruptedException {
            if ((create == null) == !join) {
                throw new IllegalArgumentException("give either --create GROUP or --join");
            }
            if (profileOptions.store.directory == null && parent != null) {
                profileOptions.store.directory = parent.store.directory;
            }
            StoredProfile profile = profileOptions.load();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SocialinkClient client = profileOptions.client(profile);
            Printer printer = new Printer(out, err);
            try (MlsGroups groups = MlsGroups.forDevice(client, profile.credentials(), printer);
                    SecureMessenger messenger = profileOptions.messenger(profile);
                    DeviceSocket socket = DeviceSocket.connect(
                            client,
                            profile.credentials(),
                            groups.socketListener(messenger.listener(new ListenCommand.Printer(
                                    out, err, new AtomicInteger(), new CountDownLatch(1)))))) {
                groups.publishKeyPackages(keyPackages);
                String groupId = create != null ? start(groups, err) : awaitWelcome(printer, err);
                if (groupId == null) {
                    throw new IllegalStateException("no Welcome within " + waitSeconds + " s");
                }
                err.println("chatting in [" + groupId + "] as "
                        + profile.credentials().address()
                        + "; /add u1,u2  /remove u  /update  /members  /leave; end input (Ctrl-D) to stop");
                err.flush();
                chat(groups, groupId, socket, err);
                CloseStatus serverClose = socket.closed().getNow(null);
                if (serverClose != null) {
                    err.println("socket closed by the server: " + serverClose.code() + " " + serverClose.reason());
                    err.flush();
                    return 1;
                }
                return 0;
            }
        }

        private String start(MlsGroups groups, PrintWriter err) {
            String groupId = GroupIds.of(create);
            long epoch = groups.create(groupId);
            err.println("[" + groupId + "] created, epoch " + epoch);
            if (add != null && !add.isEmpty()) {
                epoch = groups.add(groupId, add);
                err.println("[" + groupId + "] added " + String.join(",", add) + ", epoch " + epoch);
            }
            err.flush();
            return groupId;
        }

        private @Nullable String awaitWelcome(Printer printer, PrintWriter err) throws InterruptedException {
            String wanted = group == null ? null : GroupIds.of(group);
            err.println("waiting for a Welcome" + (wanted == null ? "" : " into [" + wanted + "]") + " ...");
            err.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (true) {
                long left = deadline - System.nanoTime();
                String joined = left <= 0 ? null : printer.joined.poll(left, TimeUnit.NANOSECONDS);
                if (joined == null || wanted == null || wanted.equals(joined)) {
                    return joined;
                }
            }
        }

        private void chat(MlsGroups groups, String groupId, DeviceSocket socket, PrintWriter err) throws IOException {
            String line;
            while ((line = input.readLine()) != null) {
                if (!socket.isOpen() || !groups.isMember(groupId)) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (!command(groups, groupId, line.strip(), err)) {
                        break;
                    }
                } catch (ProblemException | MlsException | IllegalArgumentException e) {
                    // a failed line is reported and the chat goes on
                    err.println("failed: " + e.getMessage());
                }
                err.flush();
            }
        }

        /** Runs one line; false when the chat is over. */
        private boolean command(MlsGroups groups, String groupId, String line, PrintWriter err) {
            String[] words = line.split("\\s+", 2);
            String argument = words.length > 1 ? words[1].strip() : "";
            switch (words[0]) {
                case "/add" -> {
                    List<String> users = Arrays.stream(argument.split("[,\\s]+"))
                            .filter(u -> !u.isEmpty())
                            .toList();
                    err.println("[" + groupId + "] added " + String.join(",", users) + ", epoch "
                            + groups.add(groupId, users));
                }
                case "/remove" ->
                    err.println(
                            "[" + groupId + "] removed " + argument + ", epoch " + groups.remove(groupId, argument));
                case "/update" -> err.println("[" + groupId + "] keys updated, epoch " + groups.update(groupId));
                case "/members" -> err.println("[" + groupId + "] " + String.join(" ", groups.members(groupId)));
                case "/leave" -> {
                    groups.leave(groupId);
                    return false;
                }
                default -> groups.send(groupId, line.getBytes(StandardCharsets.UTF_8));
            }
            return true;
        }
    }

    /** Prints messages on stdout and group changes on stderr; hands joined group ids to the waiting chat. */
    static final class Printer implements MlsGroupListener {

        private final PrintWriter out;
        private final PrintWriter err;
        final BlockingQueue<String> joined = new LinkedBlockingQueue<>();

        Printer(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onMessage(GroupMessage message) {
            out.println("[" + message.groupId() + "] " + message.senderAddress() + ": "
                    + ListenCommand.printable(message.plaintext()));
            out.flush();
        }

        @Override
        public void onJoined(String groupId, long epoch) {
            err.println("[" + groupId + "] joined, epoch " + epoch);
            err.flush();
            joined.add(groupId);
        }

        @Override
        public void onEpoch(GroupEpochChange change) {
            err.println("[" + change.groupId() + "] epoch " + change.epoch() + " by " + change.committer()
                    + (change.added().isEmpty() ? "" : " +" + String.join(",", change.added()))
                    + (change.removed().isEmpty() ? "" : " -" + String.join(",", change.removed())));
            err.flush();
        }

        @Override
        public void onRemoved(String groupId, Departure departure) {
            err.println("[" + groupId + "] " + (departure == Departure.LEFT ? "left" : "removed from the group"));
            err.flush();
        }

        @Override
        public void onMemberLeft(String groupId, String userId, List<Integer> leaves) {
            err.println("[" + groupId + "] " + userId + " left");
            err.flush();
        }

        @Override
        public void onUndecryptable(Envelope envelope, MlsException error) {
            err.println("[" + envelope.groupId() + "] undecryptable from " + envelope.senderAddress() + ": "
                    + error.getMessage());
            err.flush();
        }

        @Override
        public void onError(Throwable error) {
            err.println("error: " + error.getMessage());
            err.flush();
        }
    }
}
