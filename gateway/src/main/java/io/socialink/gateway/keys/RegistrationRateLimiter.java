package io.socialink.gateway.keys;

import java.time.Duration;
import java.util.List;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A token bucket per user in Redis for registrations: {@link #BURST} at once, refilled at {@link #PER_HOUR} an hour;
 * past it 429 {@code rate-limited} with Retry-After. The bucket is updated atomically by a script using Redis's
 * clock, so all gateway nodes share it. If Redis is unreachable registrations are let through: the device limit
 * still bounds what one user can create.
 */
@Component
public class RegistrationRateLimiter {

    public static final int BURST = 20;
    public static final int PER_HOUR = 20;

    private static final Logger log = LoggerFactory.getLogger(RegistrationRateLimiter.class);

    private static final RedisScript<Long> TOKEN_BUCKET = RedisScript.of("""
            local capacity = tonumber(ARGV[1])
            local per_ms = tonumber(ARGV[2])
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = tonumber(state[1]) or capacity
            local at = tonumber(state[2]) or now
            tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
            else
              wait = math.ceil((1 - tokens) / per_ms)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms))
            return wait
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;

    public RegistrationRateLimiter(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Completes when a registration of {@code userId} may proceed; errors with 429 otherwise. */
    public Mono<Void> acquire(String userId) {
        double perMillisecond = PER_HOUR / 3_600_000.0;
        return redis.execute(TOKEN_BUCKET, List.of("socialink:ratelimit:register:" + userId),
                        List.of(Integer.toString(BURST), Double.toString(perMillisecond)))
                .next()
                .onErrorResume(error -> {
                    log.warn("registration rate limit not checked, Redis failed: {}", error.toString());
                    return Mono.empty();
                })
                .flatMap(waitMillis -> waitMillis <= 0 ? Mono.<Void>empty() : Mono.error(new ProblemException(
                        Problem.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "too many registrations"),
                        Duration.ofMillis(waitMillis))));
    }
}
