package io.socialink.gateway.settings;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.presence.PresenceReads;
import io.socialink.gateway.presence.PresenceRepository;
import io.socialink.gateway.presence.PresenceSettings;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.status.StatusRepository;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET|PUT /api/v1/settings/{userId}}: the user's settings, {@code {"readReceipts": bool, "presence":
 * "everyone"|"nobody"}} (defaults true and everyone). With read receipts off, the user's reads make no READ
 * status, so their senders never see one. With presence {@code nobody}, no one else sees the user's online state
 * or last seen, and the user sees no one else's last seen. A PUT changes the members it names.
 */
@RestController
public class SettingsController {

    private final StatusRepository settings;
    private final PresenceRepository presence;
    private final PresenceReads presenceReads;

    public SettingsController(StatusRepository settings, PresenceRepository presence, PresenceReads presenceReads) {
        this.settings = settings;
        this.presence = presence;
        this.presenceReads = presenceReads;
    }

    /** Body of the settings update: at least one member. */
    public record SettingsBody(
            @Nullable Boolean readReceipts, @Nullable String presence) {}

    @GetMapping(path = "/api/v1/settings/{userId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> get(
            @PathVariable String userId, @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        requireUser(device, userId);
        return read(userId);
    }

    @PutMapping(
            path = "/api/v1/settings/{userId}",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> put(
            @PathVariable String userId,
            @RequestBody SettingsBody body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        requireUser(device, userId);
        if (body == null || (body.readReceipts() == null && body.presence() == null)) {
            throw Problem.badRequest("readReceipts (boolean) or presence (everyone, nobody) is required")
                    .toException();
        }
        PresenceSettings.Visibility visibility = PresenceSettings.Visibility.parse(body.presence());
        if (body.presence() != null && visibility == null) {
            throw Problem.badRequest("presence must be everyone or nobody").toException();
        }
        Mono<Void> receipts =
                body.readReceipts() == null ? Mono.empty() : settings.setReadReceipts(userId, body.readReceipts());
        Mono<Void> seen = visibility == null
                ? Mono.empty()
                : presence.setVisibility(userId, visibility)
                        .then(presenceReads.publishSettingsChange(userId).onErrorResume(error -> Mono.empty()));
        return receipts.then(seen).then(read(userId));
    }

    private Mono<Map<String, Object>> read(String userId) {
        return Mono.zip(settings.readReceipts(userId), presence.settings(userId))
                .map(both -> Map.of(
                        "readReceipts",
                        both.getT1(),
                        "presence",
                        both.getT2().visibility().value()));
    }

    private static void requireUser(DeviceAddress device, String userId) {
        if (device == null || !device.userId().equals(userId)) {
            throw Problem.forbidden("the path must name the authenticated user").toException();
        }
    }
}
