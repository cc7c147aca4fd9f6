package io.socialink.gateway.keys;

/** How many one-time EC and Kyber prekeys a device has left. */
public record PreKeyCounts(int ecPreKeys, int pqPreKeys) {

    /** Whether either kind is below {@code threshold}. */
    public boolean isLow(int threshold) {
        return ecPreKeys < threshold || pqPreKeys < threshold;
    }
}
