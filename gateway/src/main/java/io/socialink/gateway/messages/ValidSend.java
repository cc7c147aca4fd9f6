package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A send that passed request validation (400 checks), not yet checked against the device directory. */
public record ValidSend(
        DeviceAddress sender,
        String destination,
        String idempotencyKey,
        List<Copy> copies,
        @Nullable Long expiresInSeconds) {

    public ValidSend(DeviceAddress sender, String destination, String idempotencyKey, List<Copy> copies) {
        this(sender, destination, idempotencyKey, copies, null);
    }

    public boolean isNoteToSelf() {
        return destination.equals(sender.userId());
    }
}
