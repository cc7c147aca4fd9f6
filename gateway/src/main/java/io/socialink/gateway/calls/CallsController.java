package io.socialink.gateway.calls;

import io.socialink.gateway.auth.DeviceAddress;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The call endpoints under {@code /api/v1/calls} (docs/architecture.md, "Calls"), device Basic auth. Security has
 * checked that the acting path user ({@code callerId}, {@code userId}) is the authenticated device's user (403
 * {@code forbidden} otherwise); the acting device is the authenticated one. Query parameters are read as text so
 * that a malformed one is the service's 400 {@code bad-request} with a reason.
 */
@RestController
@RequestMapping(path = "/api/v1/calls", produces = MediaType.APPLICATION_JSON_VALUE)
public class CallsController {

    private final CallService calls;

    public CallsController(CallService calls) {
        this.calls = calls;
    }

    @PostMapping(path = "/initiate/{callerId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Map<String, Object>>> initiate(
            @PathVariable String callerId,
            @RequestBody CallRequestBodies.Initiate body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return Mono.defer(() -> calls.initiate(caller, body))
                .map(answer -> ResponseEntity.status(HttpStatus.CREATED).body(answer));
    }

    @PutMapping(path = "/{callId}/answer/{userId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> answer(
            @PathVariable String callId,
            @PathVariable String userId,
            @RequestBody CallRequestBodies.Answer body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return Mono.defer(() -> calls.answer(actor, callId, body));
    }

    @PutMapping("/{callId}/decline/{userId}")
    public Mono<Map<String, Object>> decline(
            @PathVariable String callId,
            @PathVariable String userId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return Mono.defer(() -> calls.decline(actor, callId));
    }

    @PutMapping("/{callId}/end/{userId}")
    public Mono<Map<String, Object>> end(
            @PathVariable String callId,
            @PathVariable String userId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return Mono.defer(() -> calls.end(actor, callId));
    }

    @PostMapping(path = "/{callId}/ice/{userId}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> relayIce(
            @PathVariable String callId,
            @PathVariable String userId,
            @RequestBody CallRequestBodies.Ice body,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return Mono.defer(() -> calls.relayIce(actor, callId, body));
    }

    @GetMapping("/{callId}/ice")
    public Mono<Map<String, Object>> readIce(
            @PathVariable String callId,
            @RequestParam(name = "after", required = false) @Nullable String after,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress actor) {
        return Mono.defer(() -> calls.readIce(actor, callId, after));
    }

    @GetMapping("/history/{conversationId}")
    public Mono<Map<String, Object>> history(
            @PathVariable String conversationId,
            @RequestParam(name = "before", required = false) @Nullable String before,
            @RequestParam(name = "limit", required = false) @Nullable String limit,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return Mono.defer(() -> calls.history(caller, conversationId, before, limit));
    }

    @GetMapping("/turn")
    public Mono<Map<String, Object>> turn(@AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress caller) {
        return Mono.fromCallable(() -> calls.turn(caller));
    }
}
