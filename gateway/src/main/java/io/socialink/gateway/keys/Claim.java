package io.socialink.gateway.keys;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of claiming one device's one-time prekeys: the EC and Kyber prekey handed out (null when none was
 * left) and how many of each remain after this claim.
 */
public record Claim(@Nullable PreKey preKey, @Nullable PreKey pqPreKey, PreKeyCounts remaining) {

    /** Whether this claim took at least one key. */
    public boolean tookAny() {
        return preKey != null || pqPreKey != null;
    }
}
