package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The 400 {@code bad-request} checks of a send, the first in docs/architecture.md's order: required fields,
 * ids, base64 content, no copies for users other than the destination and the sender, no device twice.
 */
public final class SendRequestValidator {

    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
    /** More copies than any two users' devices can need; bounds the work per request. */
    public static final int MAX_COPIES = 100;
    /** The longest disappearing-message timer: the queue TTL, after which an undelivered copy is gone anyway. */
    public static final long MAX_EXPIRES_IN_SECONDS = 30L * 24 * 3600;

    private SendRequestValidator() {}

    public static ValidSend validate(DeviceAddress sender, SendRequest request) {
        if (request == null) {
            throw bad("request body is required");
        }
        String destination = request.destination();
        if (!DeviceAddress.isValidUserId(destination)) {
            throw bad("destination must be a user id matching [A-Za-z0-9_-]{1,64}");
        }
        String key = request.idempotencyKey();
        if (key == null
                || key.isEmpty()
                || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH
                || key.chars().anyMatch(Character::isISOControl)) {
            throw bad("idempotencyKey must be 1.." + MAX_IDEMPOTENCY_KEY_LENGTH + " characters without controls");
        }
        Long expiresIn = request.expiresInSeconds();
        if (expiresIn != null && (expiresIn < 1 || expiresIn > MAX_EXPIRES_IN_SECONDS)) {
            throw bad("expiresInSeconds must be 1.." + MAX_EXPIRES_IN_SECONDS + " (30 days)");
        }
        List<SendRequest.OutgoingMessage> messages = request.messages();
        if (messages == null) {
            throw bad("messages is required");
        }
        if (messages.size() > MAX_COPIES) {
            throw bad("at most " + MAX_COPIES + " messages per send");
        }
        List<Copy> copies = new ArrayList<>(messages.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            Copy copy = copy(i, messages.get(i));
            if (!copy.userId().equals(destination) && !copy.userId().equals(sender.userId())) {
                throw bad("messages[" + i + "] is for " + copy.userId()
                        + ", only the destination and the sender's other devices may get copies");
            }
            if (!seen.add(copy.userId() + "." + copy.deviceId())) {
                throw bad("messages[" + i + "] repeats device " + copy.userId() + "." + copy.deviceId());
            }
            copies.add(copy);
        }
        return new ValidSend(sender, destination, key, List.copyOf(copies), expiresIn);
    }

    private static Copy copy(int index, SendRequest.OutgoingMessage message) {
        String at = "messages[" + index + "]";
        if (message == null) {
            throw bad(at + " must be an object");
        }
        if (!DeviceAddress.isValidUserId(message.userId())) {
            throw bad(at + ".userId must match [A-Za-z0-9_-]{1,64}");
        }
        if (message.deviceId() == null || message.deviceId() < 1) {
            throw bad(at + ".deviceId must be a positive integer");
        }
        if (message.registrationId() == null || message.registrationId() < 1) {
            throw bad(at + ".registrationId must be a positive integer");
        }
        if (message.type() == null || message.type() < 0) {
            throw bad(at + ".type must be a non-negative integer");
        }
        if (message.content() == null || message.content().isEmpty()) {
            throw bad(at + ".content is required");
        }
        byte[] content;
        try {
            content = Base64.getDecoder().decode(message.content());
        } catch (IllegalArgumentException e) {
            throw bad(at + ".content must be base64");
        }
        return new Copy(message.userId(), message.deviceId(), message.registrationId(), message.type(), content);
    }

    private static ProblemException bad(String detail) {
        return Problem.badRequest(detail).toException();
    }
}
