package io.socialink.gateway.typing;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The typing endpoints under {@code /api/v1/typing} (docs/architecture.md, "Typing"); that the path's user is the
 * caller is checked by the security chain ({@code SecurityConfig}).
 */
@RestController
public class TypingController {

    private final TypingService typing;

    public TypingController(TypingService typing) {
        this.typing = typing;
    }

    @PutMapping("/api/v1/typing/{conversationId}/{userId}")
    public Mono<ResponseEntity<Void>> start(
            @PathVariable String conversationId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return typing.start(device, conversationId)
                .thenReturn(ResponseEntity.noContent().build());
    }

    @DeleteMapping("/api/v1/typing/{conversationId}/{userId}")
    public Mono<ResponseEntity<Void>> stop(
            @PathVariable String conversationId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return typing.stop(device, conversationId)
                .thenReturn(ResponseEntity.noContent().build());
    }

    @GetMapping(path = "/api/v1/typing/{conversationId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> typing(
            @PathVariable String conversationId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        return typing.typing(device, conversationId)
                .map(users -> Map.of("conversationId", conversationId, "typing", users));
    }
}
