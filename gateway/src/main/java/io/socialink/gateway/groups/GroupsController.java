package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MLS group endpoints (docs/groups.md), device Basic auth. Security has checked that the acting path user
 * ({@code creatorId}, {@code addedBy}, {@code removedBy}, {@code committerId}, {@code senderId}) is the authenticated
 * device's user (403 {@code forbidden} otherwise); the acting device is the authenticated one.
 */
@RestController
@RequestMapping(path = "/api/v1/groups", produces = MediaType.APPLICATION_JSON_VALUE)
public class GroupsController {

    private final GroupService groups;
    private final GroupReads reads;
    private final JsonMapper json;

    public GroupsController(GroupService groups, GroupReads reads, JsonMapper json) {
        this.groups = groups;
        this.reads = reads;
        this.json = json;
    }

    @PostMapping(path = "/create/{creatorId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> create(
            @PathVariable String creatorId,
            @RequestBody GroupRequestBodies.CreateGroup body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return groups.create(actor, body);
    }

    @PostMapping(path = "/{groupId}/members/{addedBy}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> addMembers(
            @PathVariable String groupId,
            @PathVariable String addedBy,
            @RequestBody GroupRequestBodies.AddMembers body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return groups.addMembers(actor, groupId, body);
    }

    /**
     * Removing another user takes a JSON body with the Commit; leaving (removedBy = userId) takes none (a body sent
     * anyway is ignored). The body is read as text because WebFlux reads no typed body of a DELETE without a
     * content type.
     */
    @DeleteMapping("/{groupId}/members/{userId}/{removedBy}")
    public Mono<ResponseEntity<Map<String, Object>>> removeMember(
            @PathVariable String groupId,
            @PathVariable String userId,
            @PathVariable String removedBy,
            @RequestBody(required = false) String body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        GroupRequestBodies.@Nullable CommitOnly commit = null;
        if (body != null && !body.isBlank() && !userId.equals(actor.userId())) {
            try {
                commit = json.readValue(body, GroupRequestBodies.CommitOnly.class);
            } catch (JacksonException e) {
                throw Problem.badRequest("malformed request body").toException();
            }
        }
        return groups.removeMember(actor, groupId, userId, commit);
    }

    @PostMapping(path = "/{groupId}/commit/{committerId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> commit(
            @PathVariable String groupId,
            @PathVariable String committerId,
            @RequestBody GroupRequestBodies.CommitOnly body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return groups.commit(actor, groupId, body);
    }

    @PostMapping(path = "/{groupId}/send/{senderId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> send(
            @PathVariable String groupId,
            @PathVariable String senderId,
            @RequestBody GroupRequestBodies.Send body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return groups.send(actor, groupId, body);
    }

    @GetMapping("/{groupId}")
    public Mono<Map<String, Object>> group(
            @PathVariable String groupId, @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return reads.group(caller, groupId);
    }

    @GetMapping("/{groupId}/members")
    public Mono<Map<String, Object>> members(
            @PathVariable String groupId, @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return reads.members(caller, groupId);
    }
}
