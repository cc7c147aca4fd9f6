package io.socialink.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RateLimitPropertiesTest {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    private static RateLimitProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("socialink.gateway.rate-limits", RateLimitProperties.class);
    }

    @Test
    void shouldUseTheDefaultsWhenNothingIsConfigured() {
        // when
        RateLimitProperties limits = bind(Map.of());

        // then
        assertThat(limits.registrations()).isEqualTo(RateLimitProperties.DEFAULT_REGISTRATIONS);
        assertThat(limits.bundles()).isEqualTo(RateLimitProperties.DEFAULT_BUNDLES);
        assertThat(limits.prekeyUploads()).isEqualTo(RateLimitProperties.DEFAULT_PREKEY_UPLOADS);
    }

    @Test
    void shouldKeepTheDefaultOfWhatAPartialLimitLeavesOut() {
        // when
        RateLimitProperties limits = bind(Map.of(
                "socialink.gateway.rate-limits.bundles.capacity", "5000",
                "socialink.gateway.rate-limits.prekey-uploads.period", "10m"));

        // then
        assertThat(limits.bundles())
                .isEqualTo(new RateLimitProperties.Limit(5000, RateLimitProperties.DEFAULT_BUNDLES.period()));
        assertThat(limits.prekeyUploads())
                .isEqualTo(new RateLimitProperties.Limit(
                        RateLimitProperties.DEFAULT_PREKEY_UPLOADS.capacity(), Duration.ofMinutes(10)));
    }

    @Test
    void shouldKeepTheKeyPackageClaimDefaultsForEmptySettings() {
        // when: what gateway-environment.yml makes of unset SOCIALINK_GATEWAY_RATELIMITS_KEYPACKAGE_CLAIMS_*
        RateLimitProperties unset = bind(Map.of(
                "socialink.gateway.rate-limits.keypackage-claims.capacity", "",
                "socialink.gateway.rate-limits.keypackage-claims.period", ""));
        RateLimitProperties set = bind(Map.of(
                "socialink.gateway.rate-limits.keypackage-claims.capacity", "7",
                "socialink.gateway.rate-limits.keypackage-claims.period", "2m"));

        // then
        assertThat(unset.keypackageClaims()).isEqualTo(RateLimitProperties.DEFAULT_KEYPACKAGE_CLAIMS);
        assertThat(set.keypackageClaims()).isEqualTo(new RateLimitProperties.Limit(7, Duration.ofMinutes(2)));
    }

    @Test
    void shouldRejectEmptyBucketsAndZeroPeriods() {
        assertThat(validator.validate(bind(Map.of("socialink.gateway.rate-limits.registrations.capacity", "0"))))
                .hasSize(1);
        assertThat(validator.validate(bind(Map.of("socialink.gateway.rate-limits.bundles.period", "0s"))))
                .hasSize(1);
        assertThat(validator.validate(RateLimitProperties.defaults())).isEmpty();
    }
}
