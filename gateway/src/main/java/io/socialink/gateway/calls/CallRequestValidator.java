package io.socialink.gateway.calls;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.messages.Copy;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.CallMedia;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The checks the gateway decides alone before a call command goes to call-signaling (docs/architecture.md, "Calls"):
 * 400 {@code bad-request} for malformed input (ids, base64, a media outside audio|video, a call to oneself, more
 * than {@value #MAX_OFFERS} offers, not 1..{@value #MAX_CANDIDATES} candidates) and 413 {@code payload-too-large} for
 * an answer over {@value #MAX_SDP_BYTES} bytes or a candidate over {@value #MAX_CANDIDATE_BYTES}. An offer's size is
 * checked with the callee's devices ({@link io.socialink.gateway.messages.DeviceSetCheck}), in a send's order.
 */
public final class CallRequestValidator {

    /** More offers than a user may have devices (the device limit is 10 by default). */
    public static final int MAX_OFFERS = 10;
    /** An encrypted offer or answer (SDP): 64 KiB. */
    public static final int MAX_SDP_BYTES = 65_536;

    public static final int MAX_CANDIDATES = 32;
    /** An encrypted ICE candidate: 4 KiB. */
    public static final int MAX_CANDIDATE_BYTES = 4_096;

    public static final int MAX_HISTORY_LIMIT = 100;
    public static final int DEFAULT_HISTORY_LIMIT = 50;

    private CallRequestValidator() {}

    /** An initiate that passed the 400 checks: offers as copies for the callee's devices. */
    public record ValidInitiate(String calleeUserId, CallMedia media, List<Copy> offers) {}

    /** One piece of ciphertext for the call's other device. */
    public record ValidPayload(int type, byte[] content) {}

    public static ValidInitiate initiate(DeviceAddress caller, CallRequestBodies.@Nullable Initiate body) {
        if (body == null) {
            throw bad("request body is required");
        }
        String callee = body.calleeUserId();
        if (callee == null || !DeviceAddress.isValidUserId(callee)) {
            throw bad("calleeUserId must be a user id matching [A-Za-z0-9_-]{1,64}");
        }
        if (callee.equals(caller.userId())) {
            throw bad("a user cannot call themselves");
        }
        CallMedia media = media(body.media());
        List<CallRequestBodies.Offer> offers = body.offers();
        if (offers == null) {
            throw bad("offers is required");
        }
        if (offers.size() > MAX_OFFERS) {
            throw bad("at most " + MAX_OFFERS + " offers, one per device of the callee");
        }
        List<Copy> copies = new ArrayList<>(offers.size());
        Set<Integer> devices = new HashSet<>();
        for (int i = 0; i < offers.size(); i++) {
            Copy copy = offer(callee, i, offers.get(i));
            if (!devices.add(copy.deviceId())) {
                throw bad("offers[" + i + "] repeats device " + copy.deviceId());
            }
            copies.add(copy);
        }
        return new ValidInitiate(callee, media, List.copyOf(copies));
    }

    private static CallMedia media(@Nullable String media) {
        if ("audio".equals(media)) {
            return CallMedia.AUDIO;
        }
        if ("video".equals(media)) {
            return CallMedia.VIDEO;
        }
        throw bad("media must be audio or video");
    }

    private static Copy offer(String callee, int index, CallRequestBodies.@Nullable Offer offer) {
        String at = "offers[" + index + "]";
        if (offer == null) {
            throw bad(at + " must be an object");
        }
        if (offer.deviceId() == null || offer.deviceId() < 1) {
            throw bad(at + ".deviceId must be a positive integer");
        }
        if (offer.registrationId() == null || offer.registrationId() < 1) {
            throw bad(at + ".registrationId must be a positive integer");
        }
        if (offer.type() == null || offer.type() < 0) {
            throw bad(at + ".type must be a non-negative integer");
        }
        byte[] content = base64(at + ".content", offer.content());
        return new Copy(callee, offer.deviceId(), offer.registrationId(), offer.type(), content);
    }

    public static ValidPayload answer(CallRequestBodies.@Nullable Answer body) {
        if (body == null) {
            throw bad("request body is required");
        }
        ValidPayload answer = payload("answer", body.answer());
        if (answer.content().length > MAX_SDP_BYTES) {
            throw Problem.payloadTooLarge("the answer exceeds " + MAX_SDP_BYTES + " bytes")
                    .toException();
        }
        return answer;
    }

    public static List<ValidPayload> candidates(CallRequestBodies.@Nullable Ice body) {
        if (body == null) {
            throw bad("request body is required");
        }
        List<CallRequestBodies.Payload> candidates = body.candidates();
        if (candidates == null || candidates.isEmpty() || candidates.size() > MAX_CANDIDATES) {
            throw bad("candidates must hold 1.." + MAX_CANDIDATES + " candidates");
        }
        List<ValidPayload> valid = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            ValidPayload candidate = payload("candidates[" + i + "]", candidates.get(i));
            if (candidate.content().length > MAX_CANDIDATE_BYTES) {
                throw Problem.payloadTooLarge("candidates[" + i + "] exceeds " + MAX_CANDIDATE_BYTES + " bytes")
                        .toException();
            }
            valid.add(candidate);
        }
        return List.copyOf(valid);
    }

    private static ValidPayload payload(String at, CallRequestBodies.@Nullable Payload payload) {
        if (payload == null) {
            throw bad(at + " is required");
        }
        if (payload.type() == null || payload.type() < 0) {
            throw bad(at + ".type must be a non-negative integer");
        }
        return new ValidPayload(payload.type(), base64(at + ".content", payload.content()));
    }

    private static byte[] base64(String at, @Nullable String text) {
        if (text == null || text.isEmpty()) {
            throw bad(at + " is required");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw bad(at + " must be base64");
        }
    }

    /** A call id as the gateway makes them (a UUID), lower case; 400 otherwise. */
    public static String callId(String text) {
        UUID id;
        try {
            id = UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw bad("callId must be a UUID");
        }
        // UUID.fromString accepts short groups ("1-1-1-1-1"): only the canonical form is a call id
        if (!id.toString().equals(text.toLowerCase(Locale.ROOT))) {
            throw bad("callId must be a UUID");
        }
        return id.toString();
    }

    /** The {@code after} cursor of an ICE read: a non-negative sequence number, 0 when absent. */
    public static long after(@Nullable String text) {
        if (text == null) {
            return 0;
        }
        long after = parseLong(text, "after must be a non-negative integer");
        if (after < 0) {
            throw bad("after must be a non-negative integer");
        }
        return after;
    }

    /** The {@code limit} of a history page: 1..100, 50 when absent. */
    public static int historyLimit(@Nullable String text) {
        if (text == null) {
            return DEFAULT_HISTORY_LIMIT;
        }
        long limit = parseLong(text, "limit must be 1.." + MAX_HISTORY_LIMIT);
        if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
            throw bad("limit must be 1.." + MAX_HISTORY_LIMIT);
        }
        return (int) limit;
    }

    /** The {@code before} cursor of a history page (epoch millis, positive); null when absent (the newest page). */
    public static @Nullable Long historyBefore(@Nullable String text) {
        if (text == null) {
            return null;
        }
        long before = parseLong(text, "before must be a positive epoch millisecond count");
        if (before < 1) {
            throw bad("before must be a positive epoch millisecond count");
        }
        return before;
    }

    private static long parseLong(String text, String detail) {
        // digits only: Long.parseLong would take a sign
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(detail);
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw bad(detail);
        }
    }

    private static ProblemException bad(String detail) {
        return Problem.badRequest(detail).toException();
    }
}
