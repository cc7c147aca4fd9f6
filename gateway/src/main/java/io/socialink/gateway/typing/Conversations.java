package io.socialink.gateway.typing;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.groups.GroupReads;
import io.socialink.gateway.keys.DeviceRepository;
import io.socialink.gateway.problem.Problem;
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
        String first = conversationId.substring(0, separator);
        String second = conversationId.substring(separator + 1);
        if (!DeviceAddress.isValidUserId(first)
                || !DeviceAddress.isValidUserId(second)
                || first.compareTo(second) >= 0) {
            return Mono.error(Problem.badRequest(
                            "a 1:1 conversation id is two different user ids, sorted, joined by ~ (e.g. alice~bob)")
                    .toException());
        }
        if (!caller.userId().equals(first) && !caller.userId().equals(second)) {
            return Mono.error(Problem.of(HttpStatus.FORBIDDEN, "forbidden", "the caller is not in this conversation")
                    .toException());
        }
        String other = caller.userId().equals(first) ? second : first;
        return devices.activeDevices(other)
                .map(device -> new DeviceAddress(other, device.deviceId()))
                .collectList()
                .flatMap(found -> found.isEmpty()
                        ? Mono.error(Problem.unknownUser(other).toException())
                        : Mono.just(new Participants(conversationId, found)));
    }
}
