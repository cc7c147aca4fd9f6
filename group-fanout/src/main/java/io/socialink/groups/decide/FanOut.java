package io.socialink.groups.decide;

import io.socialink.groups.state.Leaf;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.DeviceEvent;
import io.socialink.schemas.avro.GroupCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds the per-device copies of group traffic ({@code device.deliveries}, key: the recipient's address), which
 * the delivery-worker queues and pushes like 1:1 messages: {@code groupId} set, sent by the command's actor at
 * the command's {@code issuedAt}.
 */
public final class FanOut {

    private FanOut() {}

    /**
     * A name-based id for server-made copies (commit, welcome, member-left), so a command processed again after a
     * crash makes copies the device queues drop as duplicates.
     */
    public static String messageId(String groupId, long epoch, String what) {
        return UUID.nameUUIDFromBytes((groupId + ":" + epoch + ":" + what).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * A copy of {@code content}, or, when {@code contentRef} is set (a commit bundle's Commit or Welcome, which the
     * gateway stored once), of the key alone: the gateway loads the bytes when it renders the frame.
     */
    static Delivery copy(
            GroupCommand command,
            Leaf recipient,
            String messageId,
            int ciphertextType,
            ByteBuffer content,
            @Nullable String contentRef,
            @Nullable Instant expiresAt) {
        // the constructor, not the builder: a message to a large group makes thousands of copies, and the builder
        // deep-copies every defaulted field of each; the content is a view per copy over the same bytes
        return new Delivery(
                messageId,
                command.getActorUserId(),
                command.getActorDeviceId(),
                recipient.userId(),
                recipient.deviceId(),
                command.getIssuedAt(),
                ciphertextType,
                contentRef == null ? content.duplicate() : GroupDecider.empty(),
                expiresAt,
                null,
                false,
                command.getGroupId(),
                contentRef);
    }

    static Delivery event(
            GroupCommand command, Leaf recipient, String messageId, String type, Map<String, String> attributes) {
        return new Delivery(
                messageId,
                command.getActorUserId(),
                command.getActorDeviceId(),
                recipient.userId(),
                recipient.deviceId(),
                command.getIssuedAt(),
                GroupDecider.EVENT_TYPE,
                GroupDecider.empty(),
                null,
                new DeviceEvent(type, attributes, List.of()),
                false,
                command.getGroupId(),
                null);
    }
}
