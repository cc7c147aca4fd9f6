package io.socialink.gateway.calls;

import io.socialink.gateway.config.Secret;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * Calls in the gateway ({@code socialink.gateway.calls.*}).
 *
 * @param replyTimeout     how long a call request waits for call-signaling's reply before it is answered 503
 *                         {@code call-service-unavailable} (env {@code SOCIALINK_GATEWAY_CALLS_REPLY_TIMEOUT})
 * @param ringTimeout      how long the callee's devices ring before the call is missed, sent with each initiate
 *                         as its {@code ringMillis} (env {@code SOCIALINK_CALLS_RINGTIMEOUT})
 * @param historyEnabled   whether this gateway folds {@code call.events} into {@code call_history} (consumer group
 *                         {@code <topic prefix>gateway-call-history}, shared by all nodes)
 * @param turn             the TURN servers handed out by {@code GET /api/v1/calls/turn}
 */
@Validated
@ConfigurationProperties("socialink.gateway.calls")
public record CallProperties(
        @DefaultValue("10s") @NotNull Duration replyTimeout,
        @DefaultValue("45s") @NotNull Duration ringTimeout,
        @DefaultValue("true") boolean historyEnabled,
        @DefaultValue Turn turn) {

    public static final String HISTORY_GROUP = "gateway-call-history";

    /** The longest ring: longer than any client waits, and call-signaling keeps ended calls 10 minutes. */
    public static final Duration MAX_RING_TIMEOUT = Duration.ofMinutes(5);

    public CallProperties {
        // an empty environment variable (gateway-environment.yml's default) binds as null: keep the defaults
        replyTimeout = replyTimeout == null ? Duration.ofSeconds(10) : replyTimeout;
        ringTimeout = ringTimeout == null ? Duration.ofSeconds(45) : ringTimeout;
        turn = turn == null ? new Turn(new Secret(""), List.of(), Turn.DEFAULT_TTL) : turn;
    }

    @AssertTrue(message = "socialink.gateway.calls.reply-timeout must be positive")
    public boolean isReplyTimeoutPositive() {
        return !replyTimeout.isNegative() && !replyTimeout.isZero();
    }

    @AssertTrue(message = "socialink.gateway.calls.ring-timeout must be 1s..5m")
    public boolean isRingTimeoutInRange() {
        return ringTimeout.compareTo(Duration.ofSeconds(1)) >= 0 && ringTimeout.compareTo(MAX_RING_TIMEOUT) <= 0;
    }

    @AssertTrue(message = "socialink.gateway.calls.turn.ttl must be positive")
    public boolean isTurnTtlPositive() {
        return !turn.ttl().isNegative() && !turn.ttl().isZero();
    }

    /**
     * TURN in the coturn REST API form ({@code use-auth-secret}).
     *
     * @param secret the secret shared with the TURN servers ({@code static-auth-secret}; env
     *               {@code SOCIALINK_CALLS_TURN_SECRET}); none configured: no TURN, 503 {@code turn-unavailable}
     * @param uris   the servers, e.g. {@code turn:turn.example.org:3478?transport=udp} (env
     *               {@code SOCIALINK_CALLS_TURN_URIS}, comma-separated); none: 503 {@code turn-unavailable}
     * @param ttl    how long credentials are valid (env {@code SOCIALINK_CALLS_TURN_TTL}, seconds or a duration)
     */
    public record Turn(
            Secret secret,
            List<String> uris,

            @DefaultValue("86400") @DurationUnit(ChronoUnit.SECONDS)
            Duration ttl) {

        public static final Duration DEFAULT_TTL = Duration.ofDays(1);

        public Turn {
            secret = secret == null ? new Secret("") : secret;
            uris = uris == null
                    ? List.of()
                    : uris.stream()
                            .map(String::strip)
                            .filter(uri -> !uri.isEmpty())
                            .toList();
            ttl = ttl == null ? DEFAULT_TTL : ttl;
        }
    }
}
