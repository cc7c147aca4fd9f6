package io.socialink.gateway.ratelimit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Redis token buckets ({@code socialink.gateway.rate-limits.*}); each limit may be set in part, the rest keeps
 * its default.
 *
 * @param registrations device registrations per user
 * @param bundles       prekey bundle fetches per requester device and target user (anti-drain)
 * @param prekeyUploads one-time prekey uploads per device
 * @param sends         message sends per sender device
 * @param keypackageClaims MLS KeyPackage claims per caller device (env
 *                      {@code SOCIALINK_GATEWAY_RATELIMITS_KEYPACKAGE_CLAIMS_CAPACITY} / {@code _PERIOD})
 */
@Validated
@ConfigurationProperties("socialink.gateway.rate-limits")
public record RateLimitProperties(
        @Valid Limit registrations,
        @Valid Limit bundles,
        @Valid Limit prekeyUploads,
        @Valid Limit sends,
        @Valid Limit keypackageClaims) {

    public static final Limit DEFAULT_REGISTRATIONS = new Limit(20, Duration.ofHours(1));
    public static final Limit DEFAULT_BUNDLES = new Limit(100, Duration.ofHours(1));
    public static final Limit DEFAULT_PREKEY_UPLOADS = new Limit(20, Duration.ofHours(1));
    /** A burst of 300 sends, refilled at 10 per second: far above a person's pace, low enough to stop a flood. */
    public static final Limit DEFAULT_SENDS = new Limit(300, Duration.ofSeconds(30));
    /** One claim per group add (each for up to 1,500 users): a burst of 100, refilled over an hour. */
    public static final Limit DEFAULT_KEYPACKAGE_CLAIMS = new Limit(100, Duration.ofHours(1));

    public RateLimitProperties {
        registrations = Limit.orDefault(registrations, DEFAULT_REGISTRATIONS);
        bundles = Limit.orDefault(bundles, DEFAULT_BUNDLES);
        prekeyUploads = Limit.orDefault(prekeyUploads, DEFAULT_PREKEY_UPLOADS);
        sends = Limit.orDefault(sends, DEFAULT_SENDS);
        keypackageClaims = Limit.orDefault(keypackageClaims, DEFAULT_KEYPACKAGE_CLAIMS);
    }

    /** The defaults of every limit. */
    public static RateLimitProperties defaults() {
        return new RateLimitProperties(
                DEFAULT_REGISTRATIONS,
                DEFAULT_BUNDLES,
                DEFAULT_PREKEY_UPLOADS,
                DEFAULT_SENDS,
                DEFAULT_KEYPACKAGE_CLAIMS);
    }

    /**
     * A token bucket: at most {@code capacity} requests at once, refilled evenly to full over {@code period}.
     *
     * @param capacity the burst, and the requests allowed per period
     * @param period   how long an empty bucket takes to fill up again
     */
    public record Limit(Integer capacity, Duration period) {

        static Limit orDefault(Limit limit, Limit fallback) {
            if (limit == null) {
                return fallback;
            }
            return new Limit(
                    limit.capacity() == null ? fallback.capacity() : limit.capacity(),
                    limit.period() == null ? fallback.period() : limit.period());
        }

        @AssertTrue(message = "capacity must be at least 1 and period at least 1ms")
        public boolean isValid() {
            return capacity != null && capacity >= 1 && period != null && period.toMillis() >= 1;
        }

        /** Tokens added per millisecond. */
        double perMillisecond() {
            return capacity / (double) period.toMillis();
        }
    }
}
