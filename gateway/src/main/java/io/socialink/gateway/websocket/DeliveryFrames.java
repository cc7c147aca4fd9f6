package io.socialink.gateway.websocket;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.socialink.gateway.groups.GroupPayloads;
import io.socialink.schemas.avro.Delivery;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Renders a queued {@link Delivery} as the frame the device gets, over the socket or the queue API. A copy whose
 * ciphertext is in the payload store ({@code contentRef}: an MLS Commit or Welcome fanned out to many devices)
 * is rendered once per node: the first copy loads the bytes from Postgres and base64-encodes them, the other
 * copies of the same message get the same frame text from a cache. The frame of such a copy names nothing of its
 * recipient, so every copy of one message renders to the same text.
 *
 * <p>{@link #frame} blocks on Postgres on a cache miss: call it from the push thread or a blocking scheduler, not
 * from an event loop.
 */
@Component
public class DeliveryFrames {

    /** The cache holds this many characters of frames (a 1,500-member Welcome is a ~650,000-character frame). */
    static final long CACHE_CHARS = 64L * 1024 * 1024;

    /**
     * A load blocks the node's push thread, and every socket's pushes wait behind it: short, so that a Postgres
     * outage drops those pushes (their copies stay queued, pushed again on the device's next connect) instead of
     * stalling the node.
     */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(2);

    /**
     * How long a payload that could not be read is answered unavailable without asking Postgres again: the other
     * copies of a Welcome to 1,499 devices would otherwise each wait out the timeout on the push thread.
     */
    static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(5);

    private final Frames frames;
    private final GroupPayloads payloads;
    private final Cache<String, String> unavailable = Caffeine.newBuilder()
            .expireAfterWrite(UNAVAILABLE_FOR)
            .maximumSize(10_000)
            .build();
    private final Cache<StoredCopy, String> stored = Caffeine.newBuilder()
            .maximumWeight(CACHE_CHARS)
            .weigher((StoredCopy copy, String frame) -> frame.length())
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    public DeliveryFrames(Frames frames, GroupPayloads payloads) {
        this.frames = frames;
        this.payloads = payloads;
    }

    /** A copy's ciphertext could not be read from the payload store: not there (swept, or lost), or no answer. */
    public static final class PayloadUnavailableException extends IllegalStateException {
        PayloadUnavailableException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** Everything an envelope frame of a stored payload is made of. */
    private record StoredCopy(
            String ref,
            String messageId,
            String senderUserId,
            int senderDeviceId,
            int ciphertextType,
            long sentAt,
            @Nullable Long expiresAt,
            @Nullable String groupId) {

        static StoredCopy of(Delivery delivery) {
            return new StoredCopy(
                    delivery.getContentRef(),
                    delivery.getMessageId(),
                    delivery.getSenderUserId(),
                    delivery.getSenderDeviceId(),
                    delivery.getCiphertextType(),
                    delivery.getSentAt().toEpochMilli(),
                    delivery.getExpiresAt() == null
                            ? null
                            : delivery.getExpiresAt().toEpochMilli(),
                    delivery.getGroupId());
        }
    }

    /** Whether rendering {@code delivery} may load from Postgres. */
    public static boolean refersToStoredPayload(Delivery delivery) {
        return delivery.getEvent() == null && delivery.getContentRef() != null;
    }

    /** The frame of {@code delivery}; throws {@link PayloadUnavailableException} when its stored payload cannot be read. */
    public String frame(Delivery delivery) {
        if (!refersToStoredPayload(delivery)) {
            return frames.delivery(delivery);
        }
        return stored.get(StoredCopy.of(delivery), copy -> frames.envelope(delivery, load(copy.ref())));
    }

    private ByteBuffer load(String ref) {
        String failed = unavailable.getIfPresent(ref);
        if (failed != null) {
            throw new PayloadUnavailableException(failed + " (not read again for " + UNAVAILABLE_FOR + ")", null);
        }
        Optional<byte[]> content;
        try {
            content = payloads.load(ref).block(LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            throw unavailable(ref, "stored payload " + ref + " could not be read: " + e, e);
        }
        if (content == null || content.isEmpty()) {
            throw unavailable(ref, "no stored payload " + ref, null);
        }
        return ByteBuffer.wrap(content.get());
    }

    private PayloadUnavailableException unavailable(String ref, String reason, @Nullable Throwable cause) {
        unavailable.put(ref, reason);
        return new PayloadUnavailableException(reason, cause);
    }
}
