package io.socialink.gateway.keys;

/**
 * The outcome of claiming one device's one-time prekeys: the EC and Kyber prekey handed out (null when none was
 * left) and how many of each remain after this claim.
 */
public record Claim(PreKey preKey, PreKey pqPreKey, PreKeyCounts remaining) {

    /** Whether this claim took at least one key. */
    public boolean tookAny() {
        return preKey != null || pqPreKey != null;
    }
}
