package io.socialink.client.api;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a KeyPackage claim: one KeyPackage (an encoded {@code MLSMessage}) for every active device of each
 * user asked for, a one-time one when the device had any (consumed by this claim), else its reusable last-resort one;
 * {@code missing} names the devices that had neither.
 */
public record KeyPackageClaim(List<Claimed> keyPackages, List<DeviceRef> missing) {

    public KeyPackageClaim {
        keyPackages = List.copyOf(keyPackages);
        missing = List.copyOf(missing);
    }

    /** One device's KeyPackage. */
    public record Claimed(String userId, int deviceId, byte[] keyPackage, boolean lastResort) {

        public Claimed {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(keyPackage, "keyPackage");
        }

        /** {@code userId.deviceId}, the credential identity the KeyPackage carries. */
        public String address() {
            return userId + "." + deviceId;
        }

        @Override
        public String toString() {
            return "Claimed[" + address() + ", " + keyPackage.length + " bytes, lastResort=" + lastResort + "]";
        }
    }
}
