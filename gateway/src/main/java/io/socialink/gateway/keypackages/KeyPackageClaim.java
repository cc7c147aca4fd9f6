package io.socialink.gateway.keypackages;

import java.util.List;

/** The answer of a claim: one KeyPackage per device that has one, and the devices that have none. */
public record KeyPackageClaim(List<Claimed> keyPackages, List<Missing> missing) {

    /** {@code keyPackage} is the base64 {@code MLSMessage(KeyPackage)}. */
    public record Claimed(String userId, int deviceId, String keyPackage, boolean lastResort) {}

    public record Missing(String userId, int deviceId) {}
}
