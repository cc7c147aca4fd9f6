package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Checks a send's copies against the active devices, as Signal does: one copy per active device of the destination
 * and per other active device of the sender (Note to Self: the sender's other devices only). In order: 404
 * {@code unknown-user} when the destination has no active device, 409 {@code device-mismatch} listing missing and
 * extra devices per user, 410 {@code stale-devices} when a copy's registrationId is not the device's current one,
 * 413 {@code payload-too-large} when a copy's content exceeds {@link #MAX_CONTENT_BYTES}.
 */
public final class DeviceSetCheck {

    public static final int MAX_CONTENT_BYTES = 96 * 1024;

    private DeviceSetCheck() {}

    /** The problem that rejects {@code send}, or null when it may be produced. */
    public static @Nullable Problem check(ValidSend send, Map<String, Map<Integer, Integer>> activeDevices) {
        return check(send.destination(), send.sender(), send.copies(), activeDevices, MAX_CONTENT_BYTES);
    }

    /**
     * The same checks for copies that go to {@code destination}'s devices only, e.g. a call's offers: one per active
     * device of the callee, and none for the caller's other devices. {@code copies} must all be for
     * {@code destination}; each may hold at most {@code maxContentBytes}.
     */
    public static @Nullable Problem checkDestinationOnly(
            String destination, List<Copy> copies, Map<Integer, Integer> destinationDevices, int maxContentBytes) {
        return check(destination, null, copies, Map.of(destination, destinationDevices), maxContentBytes);
    }

    /** {@code sender} null: no copies for the sender's other devices are expected. */
    private static @Nullable Problem check(
            String destination,
            @Nullable DeviceAddress sender,
            List<Copy> copies,
            Map<String, Map<Integer, Integer>> activeDevices,
            int maxContentBytes) {
        Map<Integer, Integer> destinationDevices = activeDevices.getOrDefault(destination, Map.of());
        if (destinationDevices.isEmpty()) {
            return Problem.unknownUser(destination);
        }
        Set<String> users = new LinkedHashSet<>();
        users.add(destination);
        if (sender != null) {
            users.add(sender.userId());
        }

        List<Map<String, Object>> mismatches = new ArrayList<>();
        List<Map<String, Object>> stale = new ArrayList<>();
        for (String user : users) {
            Map<Integer, Integer> active = activeDevices.getOrDefault(user, Map.of());
            Set<Integer> expected = new TreeSet<>(active.keySet());
            if (sender != null && user.equals(sender.userId())) {
                expected.remove(sender.deviceId());
            }
            Set<Integer> provided = new TreeSet<>();
            Set<Integer> staleDevices = new TreeSet<>();
            for (Copy copy : copies) {
                if (copy.userId().equals(user)) {
                    provided.add(copy.deviceId());
                    Integer registrationId = active.get(copy.deviceId());
                    if (registrationId != null && registrationId != copy.registrationId()) {
                        staleDevices.add(copy.deviceId());
                    }
                }
            }
            Set<Integer> missing = new TreeSet<>(expected);
            missing.removeAll(provided);
            Set<Integer> extra = new TreeSet<>(provided);
            extra.removeAll(expected);
            if (!missing.isEmpty() || !extra.isEmpty()) {
                Map<String, Object> mismatch = new LinkedHashMap<>();
                mismatch.put("userId", user);
                mismatch.put("missingDevices", List.copyOf(missing));
                mismatch.put("extraDevices", List.copyOf(extra));
                mismatches.add(mismatch);
            }
            if (!staleDevices.isEmpty()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("userId", user);
                entry.put("staleDevices", List.copyOf(staleDevices));
                stale.add(entry);
            }
        }
        if (!mismatches.isEmpty()) {
            return Problem.of(HttpStatus.CONFLICT, "device-mismatch", "the copies do not match the active devices")
                    .with("mismatches", mismatches);
        }
        if (!stale.isEmpty()) {
            return Problem.of(HttpStatus.GONE, "stale-devices", "some devices were re-registered")
                    .with("stale", stale);
        }
        for (Copy copy : copies) {
            if (copy.content().length > maxContentBytes) {
                return Problem.payloadTooLarge("the copy for " + copy.userId() + "." + copy.deviceId() + " exceeds "
                        + maxContentBytes + " bytes");
            }
        }
        return null;
    }
}
