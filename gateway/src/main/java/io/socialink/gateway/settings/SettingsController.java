package io.socialink.gateway.settings;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.status.StatusRepository;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET|PUT /api/v1/settings/{userId}}: the user's messaging settings, {@code {"readReceipts": bool}} (default
 * true). With read receipts off, the user's reads make no READ status, so their senders never see one.
 */
@RestController
public class SettingsController {

    private final StatusRepository settings;

    public SettingsController(StatusRepository settings) {
        this.settings = settings;
    }

    /** Body of the settings update. */
    public record SettingsBody(Boolean readReceipts) {}

    @GetMapping(path = "/api/v1/settings/{userId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> get(
            @PathVariable String userId, @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        requireUser(device, userId);
        return settings.readReceipts(userId).map(readReceipts -> Map.of("readReceipts", readReceipts));
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
        if (body == null || body.readReceipts() == null) {
            throw Problem.badRequest("readReceipts (boolean) is required").toException();
        }
        return settings.setReadReceipts(userId, body.readReceipts())
                .thenReturn(Map.of("readReceipts", body.readReceipts()));
    }

    private static void requireUser(DeviceAddress device, String userId) {
        if (device == null || !device.userId().equals(userId)) {
            throw Problem.forbidden("the path must name the authenticated user").toException();
        }
    }
}
