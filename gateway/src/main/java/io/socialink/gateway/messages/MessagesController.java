package io.socialink.gateway.messages;

import io.micrometer.core.instrument.Timer;
import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.metrics.GatewayMetrics;
import io.socialink.gateway.problem.ProblemException;
import io.socialink.gateway.ratelimit.RateLimitProperties;
import io.socialink.gateway.ratelimit.RateLimiter;
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
 * {@code POST /api/v1/messages/send/{senderId}}; security has checked that the sender is the path's user. Sends are
 * rate-limited per sender device (Redis token bucket {@code send}, 429 {@code rate-limited} with Retry-After) after
 * validation, so malformed requests do not spend tokens.
 */
@RestController
public class MessagesController {

    private final SendService sends;
    private final GatewayMetrics metrics;
    private final RateLimiter rateLimiter;
    private final RateLimitProperties.Limit limit;

    public MessagesController(
            SendService sends, GatewayMetrics metrics, RateLimiter rateLimiter, RateLimitProperties limits) {
        this.sends = sends;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        this.limit = limits.sends();
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
        ValidSend send;
        try {
            send = SendRequestValidator.validate(sender, request);
        } catch (ProblemException e) {
            metrics.send("rejected");
            throw e;
        }
        Timer.Sample started = Timer.start();
        return rateLimiter
                .acquire("send", sender.toString(), limit, "sends from this device")
                .doOnError(error -> metrics.send("rate-limited"))
                .then(Mono.defer(() -> sends.send(send)))
                .doOnSuccess(receipt -> started.stop(metrics.sendLatency()));
    }
}
