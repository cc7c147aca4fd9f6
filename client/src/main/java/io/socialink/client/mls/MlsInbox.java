package io.socialink.client.mls;

import io.socialink.client.socket.DeviceEvent;
import io.socialink.client.socket.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * An {@link MlsGroupListener} that records what one device's groups reported, in arrival order, with blocking
 * waits: meant for tests (the E2E ones included), benchmarks and the CLI's {@code --join}. Thread-safe.
 */
public class MlsInbox implements MlsGroupListener {

    private final List<GroupMessage> messages = new ArrayList<>();
    private final List<String> joined = new ArrayList<>();
    private final List<GroupEpochChange> epochs = new ArrayList<>();
    private final Map<String, Departure> departures = new LinkedHashMap<>();
    private final List<String> membersLeft = new ArrayList<>();
    private final List<String> undecryptable = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<DeviceEvent> events = new ArrayList<>();
    private int queueEmptyFrames;

    @Override
    public synchronized void onMessage(GroupMessage message) {
        messages.add(message);
        notifyAll();
    }

    @Override
    public synchronized void onJoined(String groupId, long epoch) {
        joined.add(groupId);
        notifyAll();
    }

    @Override
    public synchronized void onEpoch(GroupEpochChange change) {
        epochs.add(change);
        notifyAll();
    }

    @Override
    public synchronized void onRemoved(String groupId, Departure departure) {
        departures.put(groupId, departure);
        notifyAll();
    }

    @Override
    public synchronized void onMemberLeft(String groupId, String userId, List<Integer> leaves) {
        membersLeft.add(groupId + ":" + userId);
        notifyAll();
    }

    @Override
    public synchronized void onUndecryptable(Envelope envelope, MlsException error) {
        undecryptable.add(envelope.senderAddress() + " type " + envelope.ciphertextType() + ": " + error.getMessage());
        notifyAll();
    }

    @Override
    public synchronized void onError(Throwable error) {
        errors.add(error);
        notifyAll();
    }

    @Override
    public synchronized void onEvent(DeviceEvent event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public synchronized void onQueueEmpty() {
        queueEmptyFrames++;
        notifyAll();
    }

    /** Device events other than group ones (when the socket listener had no other listener for them). */
    public synchronized List<DeviceEvent> events() {
        return List.copyOf(events);
    }

    public synchronized int queueEmptyFrames() {
        return queueEmptyFrames;
    }

    public synchronized List<GroupMessage> messages() {
        return List.copyOf(messages);
    }

    /** The texts received in {@code groupId}, in arrival order. */
    public synchronized List<String> texts(String groupId) {
        return messages.stream()
                .filter(m -> m.groupId().equals(groupId))
                .map(GroupMessage::text)
                .toList();
    }

    public synchronized List<String> joined() {
        return List.copyOf(joined);
    }

    public synchronized List<GroupEpochChange> epochs() {
        return List.copyOf(epochs);
    }

    public synchronized Map<String, Departure> departures() {
        return Map.copyOf(departures);
    }

    /** {@code groupId:userId} of each {@code group-member-left} seen. */
    public synchronized List<String> membersLeft() {
        return List.copyOf(membersLeft);
    }

    public synchronized List<String> undecryptable() {
        return List.copyOf(undecryptable);
    }

    public synchronized List<Throwable> errors() {
        return List.copyOf(errors);
    }

    /** Waits until a message with this text arrived in {@code groupId}; answers whether it did. */
    public boolean awaitText(String groupId, String text, Duration timeout) throws InterruptedException {
        return await(() -> texts(groupId).contains(text), timeout);
    }

    /** Waits until {@code count} messages arrived in {@code groupId}; answers the texts that arrived. */
    public List<String> awaitTexts(String groupId, int count, Duration timeout) throws InterruptedException {
        await(() -> texts(groupId).size() >= count, timeout);
        return texts(groupId);
    }

    /** Waits until this device joined {@code groupId} from a Welcome. */
    public boolean awaitJoined(String groupId, Duration timeout) throws InterruptedException {
        return await(() -> joined().contains(groupId), timeout);
    }

    /** Waits until this device left or was removed from {@code groupId}; null on timeout. */
    public @Nullable Departure awaitDeparture(String groupId, Duration timeout) throws InterruptedException {
        await(() -> departures().containsKey(groupId), timeout);
        return departures().get(groupId);
    }

    /** Waits until {@code condition} holds (checked on every report); answers whether it did. */
    public synchronized boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
