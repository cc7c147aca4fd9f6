package io.socialink.gateway.presence;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.config.GatewayProperties;
import io.socialink.gateway.kafka.EventPublisher;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.ConnectionEventType;
import io.socialink.schemas.topics.Topics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The presence endpoints under {@code /api/v1/presence} (docs/architecture.md). Online state comes from the
 * devices' sockets (presence-service derives it from {@code device.connections}); {@code online}/{@code offline}
 * mark the calling device active or inactive while its socket stays open, as {@code ACTIVE}/{@code INACTIVE}
 * events on the same topic, so they are applied in order with its connection events. That the path's user of a
 * change is the caller is checked by the security chain ({@code SecurityConfig}).
 */
@RestController
public class PresenceController {

    /** Users per {@code POST /bulk} at most. */
    public static final int MAX_BULK_USERS = 1000;

    private final PresenceReads reads;
    private final PresenceRepository repository;
    private final EventPublisher publisher;
    private final int nodeId;
    private final Clock clock = Clock.systemUTC();

    public PresenceController(
            PresenceReads reads,
            PresenceRepository repository,
            EventPublisher publisher,
            GatewayProperties properties) {
        this.reads = reads;
        this.repository = repository;
        this.publisher = publisher;
        this.nodeId = properties.nodeId();
    }

    /** Body of {@code PUT /status}. */
    public record StatusBody(
            @Nullable String status, @Nullable String statusText) {}

    /** Body of {@code POST /bulk}. */
    public record BulkBody(@Nullable List<String> userIds) {}

    @PutMapping("/api/v1/presence/online/{userId}")
    public Mono<ResponseEntity<Void>> online(@AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return activity(device, ConnectionEventType.ACTIVE);
    }

    @PutMapping("/api/v1/presence/offline/{userId}")
    public Mono<ResponseEntity<Void>> offline(
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return activity(device, ConnectionEventType.INACTIVE);
    }

    @PutMapping(
            path = "/api/v1/presence/status/{userId}",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> status(
            @PathVariable String userId,
            @RequestBody(required = false) @Nullable StatusBody body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        PresenceSettings.Status status = body == null ? null : PresenceSettings.Status.parse(body.status());
        if (body == null || status == null) {
            throw Problem.badRequest("status must be one of available, away, busy, invisible")
                    .toException();
        }
        String text = body.statusText();
        if (text != null
                && (text.codePointCount(0, text.length()) > PresenceSettings.MAX_TEXT
                        || text.codePoints().anyMatch(Character::isISOControl))) {
            throw Problem.badRequest("statusText must be at most " + PresenceSettings.MAX_TEXT
                            + " characters, without control characters")
                    .toException();
        }
        Mono<Void> stored =
                text == null ? repository.setStatus(userId, status) : repository.setStatus(userId, status, text);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", status.value());
        answer.put("statusText", text);
        // best effort: a lost notice leaves followers with the old status until the next change
        return stored.then(reads.publishSettingsChange(userId).onErrorResume(error -> Mono.empty()))
                .thenReturn(answer);
    }

    @GetMapping(path = "/api/v1/presence/online-count", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> onlineCount(
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return reads.onlineCount().map(count -> Map.of("online", count));
    }

    @GetMapping(path = "/api/v1/presence/{userId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> presence(
            @PathVariable String userId, @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        if (!DeviceAddress.isValidUserId(userId)) {
            throw Problem.badRequest("userId must match [A-Za-z0-9_-]{1,64}").toException();
        }
        return reads.views(device.userId(), List.of(userId))
                .map(views -> views.get(0).body());
    }

    @PostMapping(
            path = "/api/v1/presence/bulk",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> bulk(
            @RequestBody(required = false) @Nullable BulkBody body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        List<String> users = body == null ? null : body.userIds();
        if (users == null || users.isEmpty()) {
            throw Problem.badRequest("userIds must list 1.." + MAX_BULK_USERS + " user ids")
                    .toException();
        }
        if (users.size() > MAX_BULK_USERS) {
            throw Problem.payloadTooLarge("at most " + MAX_BULK_USERS + " userIds per call")
                    .toException();
        }
        for (String user : users) {
            if (!DeviceAddress.isValidUserId(user)) {
                throw Problem.badRequest("userIds must match [A-Za-z0-9_-]{1,64}")
                        .toException();
            }
        }
        return reads.views(device.userId(), users)
                .map(views ->
                        Map.of("users", views.stream().map(PresenceView::body).toList()));
    }

    private Mono<ResponseEntity<Void>> activity(DeviceAddress device, ConnectionEventType type) {
        ConnectionEvent event = ConnectionEvent.newBuilder()
                .setType(type)
                .setGatewayNode(nodeId)
                .setConnectionId("")
                .setAt(clock.instant())
                .build();
        return publisher
                .publish(Topics.DEVICE_CONNECTIONS, device.toString(), event)
                .onErrorMap(error -> !(error instanceof ProblemException), error -> Problem.unavailable(
                                "presence not recorded, try again")
                        .toException())
                .thenReturn(ResponseEntity.noContent().build());
    }
}
