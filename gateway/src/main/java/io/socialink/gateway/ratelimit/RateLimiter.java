package io.socialink.gateway.ratelimit;

import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.problem.ProblemException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, one per (bucket name, key), shared by all gateway nodes: each acquire takes one token or
 * fails with 429 {@code rate-limited} and the time until a token is back as Retry-After. A script updates the bucket
 * atomically with Redis's own clock, so node clocks do not matter; an idle bucket expires once it would be full
 * again. If Redis is unreachable requests are let through: limits protect against abuse, not for correctness, and
 * the other bounds (device limit, prekey caps) still hold.
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    /**
     * The token bucket of {@code KEYS[1]} with capacity {@code ARGV[1]} and refill {@code ARGV[2]} tokens per ms:
     * takes a token if there is one and leaves in {@code wait} the milliseconds until one is back (0 when taken).
     * Other scripts that must rate-limit in the same round trip start with it.
     */
    public static final String BUCKET_LUA = """
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
            """;

    private static final RedisScript<Long> TOKEN_BUCKET = RedisScript.of(BUCKET_LUA + "return wait\n", Long.class);

    private final ReactiveStringRedisTemplate redis;

    public RateLimiter(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /**
     * Completes when one request of {@code key} in {@code bucket} may proceed under {@code limit}; errors with a 429
     * {@link ProblemException} carrying Retry-After otherwise. {@code what} names the requests in the problem detail.
     */
    public Mono<Void> acquire(String bucket, String key, RateLimitProperties.Limit limit, String what) {
        return redis.execute(TOKEN_BUCKET, List.of(bucketKey(bucket, key)), bucketArgs(limit))
                .next()
                .onErrorResume(error -> {
                    log.warn("{} rate limit not checked, Redis failed: {}", bucket, error.toString());
                    return Mono.empty();
                })
                .flatMap(
                        waitMillis -> waitMillis <= 0 ? Mono.<Void>empty() : Mono.error(rateLimited(waitMillis, what)));
    }

    /** The Redis key of the bucket of {@code key} in {@code bucket}: {@code KEYS[1]} of {@link #BUCKET_LUA}. */
    public static String bucketKey(String bucket, String key) {
        return "socialink:ratelimit:" + bucket + ":" + key;
    }

    /** {@code ARGV[1]} and {@code ARGV[2]} of {@link #BUCKET_LUA}. */
    public static List<String> bucketArgs(RateLimitProperties.Limit limit) {
        return List.of(Integer.toString(limit.capacity()), Double.toString(limit.perMillisecond()));
    }

    /** The 429 {@code rate-limited} answer with Retry-After; {@code what} names the requests in the detail. */
    public static ProblemException rateLimited(long waitMillis, String what) {
        return new ProblemException(
                Problem.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "too many " + what),
                Duration.ofMillis(waitMillis));
    }
}
