package io.socialink.gateway.keys;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * One-time prekey settings ({@code socialink.gateway.prekeys.*}).
 *
 * @param lowThreshold a device with fewer one-time EC or Kyber prekeys than this gets a {@code low-prekeys} event
 * @param maxStored    one-time EC (and, separately, Kyber) prekeys one device may have stored at once
 */
@Validated
@ConfigurationProperties("socialink.gateway.prekeys")
public record PreKeyProperties(
        @DefaultValue("10") @Min(0) @Max(1000) int lowThreshold,

        @DefaultValue("200") @Min(PreKeyRules.MAX_PER_REQUEST) @Max(10_000)
        int maxStored) {}
