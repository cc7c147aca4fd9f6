package io.socialink.client.cli;

import io.socialink.client.api.CallHistory;
import io.socialink.client.api.CallStatus;
import io.socialink.client.api.IceSent;
import io.socialink.client.api.ProblemException;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.api.TurnCredentials;
import io.socialink.client.calls.CallSignal;
import io.socialink.client.calls.IceCandidate;
import io.socialink.client.calls.SecureCalls;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.socket.CallFrame;
import io.socialink.client.socket.DeviceSocket;
import io.socialink.client.store.StoredProfile;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end encrypted audio/video call signalling (no media): {@code place}, {@code answer}, {@code decline},
 * {@code end}, {@code listen}, {@code history}, {@code turn}. {@code place} and {@code answer} are one device's whole
 * call in one process: the SDP offer/answer and the ICE candidates are real text, encrypted for the peer device and
 * decrypted by it. Every stdout line starts with {@code call <what> <callId>}:
 * <pre>
 * call placed &lt;callId&gt; ringing ringUntil=&lt;ms&gt;     call ring &lt;callId&gt; from=&lt;user.device&gt; media=video
 * call offer &lt;callId&gt; &lt;SDP, CR/LF escaped&gt;       call answered &lt;callId&gt; accepted
 * call accepted &lt;callId&gt; by=&lt;user.device&gt;       call answer &lt;callId&gt; &lt;SDP&gt;
 * call ice-sent &lt;callId&gt; &lt;seq&gt; &lt;candidate&gt;   call ice &lt;callId&gt; &lt;seq&gt; &lt;from&gt; &lt;candidate&gt;
 * call &lt;event&gt; &lt;callId&gt; key=value ...          (other call frames: answered-elsewhere, missed, ended, ...)
 * call over &lt;callId&gt; &lt;outcome&gt; duration=&lt;ms&gt;  (the last line of place, answer and decline)
 * </pre>
 * Progress goes to stderr. Exit 0 once the call is over, 1 on an error, 2 on a timeout, 3 when an answer or decline
 * was refused (409: answered elsewhere first, or ended).
 */
@Command(
        name = "call",
        description = "Encrypted call signalling: place, answer, decline, end, listen, history, turn.",
        subcommands = {
            CallCommand.Place.class,
            CallCommand.Answer.class,
            CallCommand.Decline.class,
            CallCommand.End.class,
            CallCommand.Listen.class,
            CallCommand.History.class,
            CallCommand.Turn.class
        })
final class CallCommand implements Runnable {

    static final int EXIT_TIMEOUT = 2;
    static final int EXIT_REFUSED = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Options of the commands that take part in a call's media negotiation. */
    static final class Negotiation {

        @Option(
                names = "--tag",
                paramLabel = "TEXT",
                description = "A word put into this side's SDP (session name) and candidates (ufrag), to recognise "
                        + "them at the peer (default: random).")
        String tag;

        @Option(
                names = "--candidates",
                defaultValue = "3",
                paramLabel = "N",
                description = "ICE candidates to send, 0..32 (default: ${DEFAULT-VALUE}).")
        int candidates;

        @Option(
                names = "--peer-candidates",
                paramLabel = "N",
                description = "Peer candidates to wait for before hanging up (default: as many as --candidates).")
        Integer peerCandidates;

        @Option(
                names = "--hangup-after",
                paramLabel = "SECONDS",
                description = "Hang up this many seconds after the candidates were exchanged (default: wait for the "
                        + "peer to hang up).")
        Double hangupAfter;

        @Option(
                names = "--timeout",
                defaultValue = "120",
                paramLabel = "SECONDS",
                description = "Give up (exit 2) when the call is not over after this long (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        String tag() {
            if (tag == null) {
                tag = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
            }
            return tag;
        }

        void check() {
            if (candidates < 0 || candidates > SecureCalls.MAX_CANDIDATES_PER_BATCH) {
                throw new IllegalArgumentException("--candidates must be 0..32");
            }
            if (peerCandidates != null && peerCandidates < 0) {
                throw new IllegalArgumentException("--peer-candidates must not be negative");
            }
            if (hangupAfter != null && hangupAfter < 0) {
                throw new IllegalArgumentException("--hangup-after must not be negative");
            }
            if (timeoutSeconds <= 0) {
                throw new IllegalArgumentException("--timeout must be positive");
            }
        }
    }

    /** Calls a user and stays in the call until it is over. */
    @Command(
            name = "place",
            description = "Call a user (every device rings), wait for the answer, exchange ICE candidates, hang up.")
    static final class Place implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Mixin
        Negotiation negotiation;

        @Option(names = "--to", required = true, paramLabel = "USER", description = "The user to call.")
        String callee;

        @Option(
                names = "--media",
                defaultValue = "video",
                paramLabel = "MEDIA",
                description = "audio or video (default: ${DEFAULT-VALUE}).")
        String media;

        @Override
        public Integer call() throws InterruptedException {
            negotiation.check();
            if (!SecureCalls.AUDIO.equals(media) && !SecureCalls.VIDEO.equals(media)) {
                throw new IllegalArgumentException("--media must be audio or video");
            }
            StoredProfile profile = profileOptions.load();
            try (CallDevice device = CallDevice.open(profileOptions, profile, spec)) {
                long deadline = deadline(negotiation.timeoutSeconds);
                CallStatus placed = device.calls.initiate(callee, media, Sdp.offer(negotiation.tag(), media));
                UUID callId = placed.callId();
                device.out("call placed " + callId + " " + placed.state()
                        + (placed.ringUntil() == null ? "" : " ringUntil=" + placed.ringUntil())
                        + (placed.outcome() == null ? "" : " outcome=" + placed.outcome()));
                if (placed.ended()) {
                    device.out("call over " + callId + " " + placed.outcome() + " duration=0");
                    return 0;
                }
                CallSignal answer = device.await(callId, Set.of(CallFrame.ACCEPTED), deadline);
                if (answer == null) {
                    return device.timedOut(callId);
                }
                if (answer.frame().isFinal()) {
                    return device.over(answer.frame());
                }
                device.out("call accepted " + callId + " by=" + answer.frame().senderAddress());
                device.out("call answer " + callId + " " + printable(answer));
                return device.inCall(callId, negotiation, deadline);
            }
        }
    }

    /** Waits for a ring, answers it and stays in the call until it is over. */
    @Command(
            name = "answer",
            description = "Wait for a ring, answer it on this device, exchange ICE candidates, hang up or wait for the"
                    + " caller to.")
    static final class Answer implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Mixin
        Negotiation negotiation;

        @Option(
                names = "--wait",
                defaultValue = "60",
                paramLabel = "SECONDS",
                description = "How long to wait for a ring (default: ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            negotiation.check();
            StoredProfile profile = profileOptions.load();
            try (CallDevice device = CallDevice.open(profileOptions, profile, spec)) {
                device.err("waiting for a ring ...");
                CallSignal ring = device.awaitRing(deadline(waitSeconds));
                if (ring == null) {
                    device.err("no ring within " + waitSeconds + " s");
                    return EXIT_TIMEOUT;
                }
                UUID callId = ring.frame().callId();
                long deadline = deadline(negotiation.timeoutSeconds);
                CallStatus answered;
                try {
                    answered = device.calls.answer(
                            ring.frame(),
                            Sdp.answer(negotiation.tag(), ring.frame().media()));
                } catch (ProblemException refused) {
                    if (refused.status() != 409) {
                        throw refused;
                    }
                    device.out("call answer-refused " + callId + " " + refused.name());
                    return EXIT_REFUSED;
                }
                device.out("call answered " + callId + " " + answered.state());
                return device.inCall(callId, negotiation, deadline);
            }
        }
    }

    /** Declines a call: a given one, or the next ring. */
    @Command(name = "decline", description = "Decline a ringing call (--call ID, or the next ring).")
    static final class Decline implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Option(names = "--call", paramLabel = "ID", description = "The call to decline (default: the next ring).")
        UUID callId;

        @Option(
                names = "--wait",
                defaultValue = "60",
                paramLabel = "SECONDS",
                description = "Without --call: how long to wait for a ring (default: ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            StoredProfile profile = profileOptions.load();
            if (callId != null) {
                return decline(spec.commandLine().getOut(), profileOptions.client(profile), profile, callId);
            }
            try (CallDevice device = CallDevice.open(profileOptions, profile, spec)) {
                device.err("waiting for a ring ...");
                CallSignal ring = device.awaitRing(deadline(waitSeconds));
                if (ring == null) {
                    device.err("no ring within " + waitSeconds + " s");
                    return EXIT_TIMEOUT;
                }
                return decline(device.out, device.client, profile, ring.frame().callId());
            }
        }

        private static int decline(PrintWriter out, SocialinkClient client, StoredProfile profile, UUID callId) {
            try {
                CallStatus status = client.declineCall(profile.credentials(), callId);
                println(out, "call over " + callId + " " + status.outcome() + " duration=0");
                return 0;
            } catch (ProblemException refused) {
                if (refused.status() != 409) {
                    throw refused;
                }
                println(out, "call decline-refused " + callId + " " + refused.name());
                return EXIT_REFUSED;
            }
        }
    }

    /** Hangs up a call by its id (REST only: usable beside the process that holds the call). */
    @Command(name = "end", description = "Hang up a call: cancel it while it rings, end it once accepted.")
    static final class End implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Option(names = "--call", required = true, paramLabel = "ID", description = "The call.")
        UUID callId;

        @Override
        public Integer call() {
            StoredProfile profile = profileOptions.load();
            CallStatus status = profileOptions.client(profile).endCall(profile.credentials(), callId);
            println(
                    spec.commandLine().getOut(),
                    "call over " + callId + " " + status.outcome() + " duration="
                            + (status.durationMillis() == null ? 0 : status.durationMillis()));
            return 0;
        }
    }

    /** Prints this device's call frames (decrypted) until one of the given events or the timeout. */
    @Command(name = "listen", description = "Print this device's call frames until one of --until or --timeout.")
    static final class Listen implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Option(
                names = "--until",
                split = ",",
                paramLabel = "EVENT",
                description = "Exit 0 after a frame of one of these events (e.g. answered-elsewhere,missed).")
        List<String> until;

        @Option(
                names = "--timeout",
                defaultValue = "60",
                paramLabel = "SECONDS",
                description = "Exit after this long; 2 when --until was given and not met (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Override
        public Integer call() throws InterruptedException {
            StoredProfile profile = profileOptions.load();
            try (CallDevice device = CallDevice.open(profileOptions, profile, spec)) {
                device.err("listening for calls ...");
                long deadline = deadline(timeoutSeconds);
                while (true) {
                    CallSignal signal = device.next(deadline);
                    if (signal == null) {
                        return until == null ? 0 : EXIT_TIMEOUT;
                    }
                    device.print(signal);
                    if (until != null && until.contains(signal.event())) {
                        return 0;
                    }
                }
            }
        }
    }

    /** Prints the calls with a user, newest first. */
    @Command(name = "history", description = "The calls with a user, newest first.")
    static final class History implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Option(names = "--with", required = true, paramLabel = "USER", description = "The other user.")
        String with;

        @Option(
                names = "--limit",
                defaultValue = "50",
                paramLabel = "N",
                description = "Calls per page, 1..100 (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--before", paramLabel = "MILLIS", description = "Only calls started before (epoch ms).")
        Long before;

        @Override
        public Integer call() {
            StoredProfile profile = profileOptions.load();
            CallHistory history =
                    profileOptions.client(profile).callHistory(profile.credentials(), with, before, limit);
            PrintWriter out = spec.commandLine().getOut();
            for (CallHistory.Call call : history.calls()) {
                out.println("call history " + call.callId() + " " + call.callerUserId() + "." + call.callerDeviceId()
                        + " -> " + call.calleeUserId()
                        + (call.answeredDeviceId() == null ? "" : "." + call.answeredDeviceId()) + " " + call.media()
                        + " outcome=" + (call.outcome() == null ? "-" : call.outcome())
                        + " duration=" + (call.durationMillis() == null ? "-" : call.durationMillis())
                        + " started=" + Instant.ofEpochMilli(call.startedAt())
                        + " answered=" + instant(call.answeredAt())
                        + " ended=" + instant(call.endedAt()));
            }
            if (history.nextBefore() != null) {
                out.println("call history-next " + history.nextBefore());
            }
            out.flush();
            return 0;
        }

        private static String instant(@Nullable Long millis) {
            return millis == null ? "-" : Instant.ofEpochMilli(millis).toString();
        }
    }

    /** Prints TURN credentials. */
    @Command(name = "turn", description = "Short-lived TURN credentials for the configured TURN servers.")
    static final class Turn implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Override
        public Integer call() {
            StoredProfile profile = profileOptions.load();
            TurnCredentials turn = profileOptions.client(profile).turnCredentials(profile.credentials());
            println(
                    spec.commandLine().getOut(),
                    "call turn " + turn.username() + " " + turn.password() + " ttl=" + turn.ttlSeconds() + " "
                            + String.join(",", turn.uris()));
            return 0;
        }
    }

    /** The device of a call command: its messenger, calls and socket; received call frames in a queue. */
    static final class CallDevice implements AutoCloseable {

        private static final Duration POLL_EVERY = Duration.ofSeconds(1);

        final SocialinkClient client;
        final SecureMessenger messenger;
        final SecureCalls calls;
        final PrintWriter out;
        final PrintWriter err;
        private final BlockingQueue<CallSignal> signals = new LinkedBlockingQueue<>();
        private final DeviceSocket socket;
        /** Signals taken from the queue while waiting for others, kept for later. */
        private final List<CallSignal> pending = new ArrayList<>();

        private CallDevice(ProfileOptions options, StoredProfile profile, CommandSpec spec) {
            out = spec.commandLine().getOut();
            err = spec.commandLine().getErr();
            client = options.client(profile);
            messenger = options.messenger(profile);
            calls = new SecureCalls(messenger);
            CountDownLatch closed = new CountDownLatch(1);
            // messages that arrive meanwhile are decrypted and printed as listen prints them
            socket = DeviceSocket.connect(
                    client,
                    profile.credentials(),
                    calls.listener(
                            signals::add,
                            messenger.listener(new ListenCommand.Printer(out, err, new AtomicInteger(), closed))));
        }

        static CallDevice open(ProfileOptions options, StoredProfile profile, CommandSpec spec)
                throws InterruptedException {
            CallDevice device = new CallDevice(options, profile, spec);
            // what waited in the queue (e.g. a ring) is in the signal queue before the command goes on
            device.socket.awaitQueueEmpty(Duration.ofSeconds(30));
            return device;
        }

        /** The next signal (pending first), or null at the deadline. */
        @Nullable
        CallSignal next(long deadline) throws InterruptedException {
            if (!pending.isEmpty()) {
                return pending.remove(0);
            }
            long left = deadline - System.nanoTime();
            return left <= 0 ? null : signals.poll(left, TimeUnit.NANOSECONDS);
        }

        /** The first ring that could be decrypted, printed; other signals are printed and skipped. */
        @Nullable
        CallSignal awaitRing(long deadline) throws InterruptedException {
            while (true) {
                CallSignal signal = next(deadline);
                if (signal == null) {
                    return null;
                }
                print(signal);
                if (signal.event().equals(CallFrame.RING) && signal.text() != null) {
                    return signal;
                }
            }
        }

        /**
         * The first signal of {@code callId} with one of {@code events} or a final one; ICE candidates of the call
         * that arrive meanwhile are kept for later; others are printed.
         */
        @Nullable
        CallSignal await(UUID callId, Set<String> events, long deadline) throws InterruptedException {
            List<CallSignal> later = new ArrayList<>();
            try {
                while (true) {
                    CallSignal signal = next(deadline);
                    if (signal == null) {
                        return null;
                    }
                    if (!signal.frame().callId().equals(callId)) {
                        print(signal);
                    } else if (events.contains(signal.event()) || signal.frame().isFinal()) {
                        return signal;
                    } else if (signal.event().equals(CallFrame.ICE)) {
                        later.add(signal);
                    } else {
                        print(signal);
                    }
                }
            } finally {
                pending.addAll(0, later);
            }
        }

        /**
         * The accepted call: sends the candidates, prints the peer's (live and polled) until enough arrived, then
         * hangs up after the pause or waits for the peer's hang-up.
         */
        int inCall(UUID callId, Negotiation negotiation, long deadline) throws InterruptedException {
            if (negotiation.candidates > 0) {
                List<String> candidates = Sdp.candidates(negotiation.tag(), negotiation.candidates);
                IceSent sent = retrying(() -> calls.sendIce(callId, candidates), deadline);
                for (int i = 0; i < candidates.size(); i++) {
                    out("call ice-sent " + callId + " " + (sent.first() + i) + " " + candidates.get(i));
                }
            }
            int wanted = negotiation.peerCandidates != null ? negotiation.peerCandidates : negotiation.candidates;
            int received = 0;
            CallFrame ended = null;
            long nextPoll = System.nanoTime() + POLL_EVERY.toNanos();
            while (received < wanted && ended == null) {
                if (System.nanoTime() > deadline) {
                    return timedOut(callId);
                }
                CallSignal signal = next(Math.min(deadline, nextPoll));
                if (signal != null && signal.frame().callId().equals(callId)) {
                    if (signal.event().equals(CallFrame.ICE) && signal.text() != null) {
                        out("call ice " + callId + " " + signal.frame().longAttribute("seq", -1) + " "
                                + signal.frame().senderAddress() + " " + printable(signal));
                        received++;
                    } else if (signal.frame().isFinal()) {
                        ended = signal.frame();
                    } else {
                        print(signal);
                    }
                } else if (signal != null) {
                    print(signal);
                }
                if (System.nanoTime() >= nextPoll && received < wanted && ended == null) {
                    // the live frames are ephemeral: a candidate pushed while the socket was away comes by polling
                    try {
                        for (IceCandidate candidate : calls.pollIce(callId)) {
                            out("call ice " + callId + " " + candidate.seq() + " " + candidate.senderAddress() + " "
                                    + ListenCommand.printable(
                                            candidate.text().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                            received++;
                        }
                    } catch (ProblemException | IllegalStateException e) {
                        err("ice poll failed: " + e.getMessage());
                    }
                    nextPoll = System.nanoTime() + POLL_EVERY.toNanos();
                }
            }
            if (ended != null) {
                return over(ended);
            }
            if (negotiation.hangupAfter != null) {
                long hangup = System.nanoTime() + (long) (negotiation.hangupAfter * 1e9);
                CallSignal early = await(callId, Set.of(), Math.min(hangup, deadline));
                if (early != null) {
                    return over(early.frame());
                }
                try {
                    CallStatus status = retrying(() -> calls.end(callId), deadline);
                    out("call over " + callId + " " + status.outcome() + " duration="
                            + (status.durationMillis() == null ? 0 : status.durationMillis()));
                    return 0;
                } catch (ProblemException refused) {
                    if (refused.status() != 409) {
                        throw refused;
                    }
                    // the peer hung up first: its ended frame tells the duration
                }
            }
            CallSignal end = await(callId, Set.of(), deadline);
            return end == null ? timedOut(callId) : over(end.frame());
        }

        /** Prints a call's final frame as the command's last line. */
        int over(CallFrame frame) {
            print(frame);
            String outcome = frame.event().equals(CallFrame.ENDED) ? "completed" : frame.event();
            out("call over " + frame.callId() + " " + outcome + " duration="
                    + frame.longAttribute("durationMillis", 0));
            return 0;
        }

        int timedOut(UUID callId) {
            err("call " + callId + " not over in time");
            return EXIT_TIMEOUT;
        }

        void print(CallSignal signal) {
            print(signal.frame());
            if (signal.text() != null) {
                String what =
                        switch (signal.event()) {
                            case CallFrame.RING -> "offer";
                            case CallFrame.ACCEPTED -> "answer";
                            default -> signal.event() + "-text";
                        };
                out("call " + what + " " + signal.frame().callId() + " " + printable(signal));
            } else if (signal.error() != null && !signal.error().duplicate()) {
                out("call undecryptable " + signal.frame().callId() + " " + signal.event() + " "
                        + signal.error().getMessage());
            }
        }

        void print(CallFrame frame) {
            StringBuilder line =
                    new StringBuilder("call ").append(frame.event()).append(' ').append(frame.callId());
            if (frame.event().equals(CallFrame.RING)) {
                line.append(" from=").append(frame.callerUserId()).append('.').append(frame.callerDeviceId());
            } else {
                line.append(" caller=").append(frame.callerUserId()).append('.').append(frame.callerDeviceId());
                line.append(" callee=").append(frame.calleeUserId());
            }
            line.append(" media=").append(frame.media());
            for (String name : List.of("ringUntil", "answeredDeviceId", "seq", "durationMillis", "endedBy")) {
                String value = frame.attribute(name);
                if (value != null) {
                    line.append(' ').append(name).append('=').append(value);
                }
            }
            out(line.toString());
        }

        void out(String line) {
            println(out, line);
        }

        void err(String line) {
            println(err, line);
        }

        @Override
        public void close() {
            socket.close();
            messenger.close();
        }
    }

    /** Retries a call request while the call service is briefly unavailable (503), until the deadline. */
    static <T> T retrying(java.util.function.Supplier<T> request, long deadline) throws InterruptedException {
        long pause = 200;
        while (true) {
            try {
                return request.get();
            } catch (ProblemException problem) {
                if (problem.status() != 503 || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                    throw problem;
                }
            } catch (java.io.UncheckedIOException unavailable) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                    throw unavailable;
                }
            }
            Thread.sleep(pause);
            pause = Math.min(2_000, pause * 2);
        }
    }

    static long deadline(long seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    static String printable(CallSignal signal) {
        String text = signal.text();
        return text == null ? "" : text.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static void println(PrintWriter writer, String line) {
        writer.println(line);
        writer.flush();
    }
}
