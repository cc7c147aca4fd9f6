package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The group read endpoints, from the projection (which follows {@code group.events} within milliseconds, not
 * transactionally): members only, 404 {@code unknown-group}, 403 {@code not-a-member} for a user without a
 * member device.
 */
@Service
public class GroupReads {

    private final GroupRepository groups;

    public GroupReads(GroupRepository groups) {
        this.groups = groups;
    }

    /** {@code {"groupId", "epoch", "memberCount", "deviceCount", "admins", "createdAt", "cipherSuite"}}. */
    public Mono<Map<String, Object>> group(DeviceAddress caller, String groupIdText) {
        String groupId = GroupService.encode(GroupIds.decode(groupIdText));
        return visibleGroup(caller, groupId)
                .flatMap(group -> groups.members(groupId).collectList().map(devices -> {
                    List<String> users = new ArrayList<>();
                    List<String> admins = new ArrayList<>();
                    devices.forEach(device -> {
                        if (!users.contains(device.userId())) {
                            users.add(device.userId());
                            if (device.admin()) {
                                admins.add(device.userId());
                            }
                        }
                    });
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("groupId", group.groupId());
                    body.put("epoch", group.epoch());
                    body.put("memberCount", users.size());
                    body.put("deviceCount", devices.size());
                    body.put("admins", admins);
                    body.put("createdAt", group.createdAt().toEpochMilli());
                    body.put("cipherSuite", group.cipherSuite());
                    return body;
                }));
    }

    /** {@code {"members": [{"userId", "admin", "devices": [{"deviceId", "leafIndex"}]}]}}, by user id. */
    public Mono<Map<String, Object>> members(DeviceAddress caller, String groupIdText) {
        String groupId = GroupService.encode(GroupIds.decode(groupIdText));
        return visibleGroup(caller, groupId)
                .flatMap(group -> groups.members(groupId).collectList().map(devices -> {
                    Map<String, Map<String, Object>> members = new LinkedHashMap<>();
                    devices.forEach(device -> {
                        Map<String, Object> member = members.computeIfAbsent(device.userId(), user -> {
                            Map<String, Object> created = new LinkedHashMap<>();
                            created.put("userId", user);
                            created.put("admin", device.admin());
                            created.put("devices", new ArrayList<Map<String, Object>>());
                            return created;
                        });
                        @SuppressWarnings("unchecked")
                        List<Map<String, Object>> memberDevices =
                                (List<Map<String, Object>>) Objects.requireNonNull(member.get("devices"));
                        Map<String, Object> view = new LinkedHashMap<>();
                        view.put("deviceId", device.deviceId());
                        view.put("leafIndex", device.leafIndex());
                        memberDevices.add(view);
                    });
                    return Map.<String, Object>of("members", List.copyOf(members.values()));
                }));
    }

    /**
     * Every member device of the group, for a caller that is a member: 400 {@code bad-request} for a malformed id,
     * 404 {@code unknown-group}, 403 {@code not-a-member}.
     */
    public Mono<List<GroupRepository.MemberDevice>> memberDevices(DeviceAddress caller, String groupIdText) {
        String groupId = GroupService.encode(GroupIds.decode(groupIdText));
        return visibleGroup(caller, groupId)
                .flatMap(group -> groups.members(groupId).collectList());
    }

    private Mono<GroupRepository.GroupRow> visibleGroup(DeviceAddress caller, String groupId) {
        return groups.find(groupId)
                .switchIfEmpty(Mono.error(() -> Problem.of(HttpStatus.NOT_FOUND, "unknown-group", "no group " + groupId)
                        .toException()))
                .flatMap(group -> groups.isMember(groupId, caller.userId())
                        .flatMap(member -> member
                                ? Mono.just(group)
                                : Mono.error(Problem.of(
                                                HttpStatus.FORBIDDEN, "not-a-member", "only members may read the group")
                                        .toException())));
    }
}
