package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/messages/send/{senderId}}; security has checked that the sender is the path's user. The send
 * itself (validation, rate limit, idempotency, device-set check, produce) is {@link SendService#accept}, as for a
 * {@code send} frame on the device's WebSocket.
 */
@RestController
public class MessagesController {

    private final SendService sends;

    public MessagesController(SendService sends) {
        this.sends = sends;
    }

    @PostMapping(
            path = "/api/v1/messages/send/{senderId}",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<SendReceipt> send(
            @PathVariable String senderId,
            @RequestBody SendRequest request,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress sender) {
        return sends.accept(sender, request);
    }
}
