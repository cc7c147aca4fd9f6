package io.socialink.gateway.typing;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.groups.GroupReads;
import io.socialink.gateway.keys.DeviceRepository;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Resolves a conversation id for a participant: a 1:1 conversation is the two user ids sorted and joined by
 * {@code ~} ({@code alice~bob}), any other id is an MLS group id. The caller must be one of the two users (403
 * {@code forbidden}) or a member of the group (403 {@code not-a-member}); a 1:1 id that is not two distinct valid
 * user ids in order is 400 {@code bad-request}; a 1:1 partner without an active device is 404 {@code unknown-user};
 * an unknown group 404 {@code unknown-group}.
 */
@Component
public class Conversations {

    static final char SEPARATOR = '~';

    private final DeviceRepository devices;
    private final GroupReads groups;

    public Conversations(DeviceRepository devices, GroupReads groups) {
        this.devices = devices;
        this.groups = groups;
    }

    /** A conversation as one participant sees it: the devices of its other participants. */
    public record Participants(String conversationId, List<DeviceAddress> others) {}

    public Mono<Participants> resolve(DeviceAddress caller, String conversationId) {
        int separator = conversationId.indexOf(SEPARATOR);
        if (separator < 0) {
            return groups.memberDevices(caller, conversationId)
                    .map(members -> new Participants(
                            conversationId,
                            members.stream()
                                    .filter(device -> !device.userId().equals(caller.userId()))
                                    .map(device -> new DeviceAddress(device.userId(), device.deviceId()))
                                    .toList()));
        }
        String other;
        try {
            other = otherUser(caller, conversationId);
        } catch (ProblemException e) {
            return Mono.error(e);
        }
        return devices.activeDevices(other)
                .map(device -> new DeviceAddress(other, device.deviceId()))
                .collectList()
                .flatMap(found -> found.isEmpty()
                        ? Mono.error(Problem.unknownUser(other).toException())
                        : Mono.just(new Participants(conversationId, found)));
    }

    /** The 1:1 conversation id of two different users: their ids sorted and joined by {@code ~}. */
    public static String oneToOne(String userId, String otherUserId) {
        if (userId.equals(otherUserId)) {
            throw new IllegalArgumentException("a 1:1 conversation has two different users");
        }
        return userId.compareTo(otherUserId) < 0 ? userId + SEPARATOR + otherUserId : otherUserId + SEPARATOR + userId;
    }

    /**
     * The other user of the 1:1 conversation {@code conversationId}, checked as {@link #resolve} does but without
     * looking the users up: 400 {@code bad-request} unless it is two different valid user ids in order (a group id
     * included), 403 {@code forbidden} unless the caller is one of them.
     */
    public static String otherUser(DeviceAddress caller, String conversationId) {
        int separator = conversationId.indexOf(SEPARATOR);
        String first = separator < 0 ? "" : conversationId.substring(0, separator);
        String second = separator < 0 ? "" : conversationId.substring(separator + 1);
        if (!DeviceAddress.isValidUserId(first)
                || !DeviceAddress.isValidUserId(second)
                || first.compareTo(second) >= 0) {
            throw Problem.badRequest(
                            "a 1:1 conversation id is two different user ids, sorted, joined by ~ (e.g. alice~bob)")
                    .toException();
        }
        if (!caller.userId().equals(first) && !caller.userId().equals(second)) {
            throw Problem.of(HttpStatus.FORBIDDEN, "forbidden", "the caller is not in this conversation")
                    .toException();
        }
        return caller.userId().equals(first) ? second : first;
    }
}
