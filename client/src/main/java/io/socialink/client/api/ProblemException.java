package io.socialink.client.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem answered by the gateway (or synthesised from a non-problem error response), with the
 * extension members of 409 {@code device-mismatch} and 410 {@code stale-devices} parsed.
 */
public class ProblemException extends RuntimeException {

    public static final String TYPE_PREFIX = "https://socialink.io/problems/";

    private final int status;
    private final @Nullable String type;
    private final String title;
    private final @Nullable String detail;
    private final List<DeviceMismatch> mismatches;
    private final List<StaleDevices> stale;
    private final @Nullable Long epoch;

    public ProblemException(
            int status,
            @Nullable String type,
            String title,
            @Nullable String detail,
            List<DeviceMismatch> mismatches,
            List<StaleDevices> stale) {
        this(status, type, title, detail, mismatches, stale, null);
    }

    /** With the {@code epoch} member of a group problem (409 {@code stale-epoch}: the group's current epoch). */
    public ProblemException(
            int status,
            @Nullable String type,
            String title,
            @Nullable String detail,
            List<DeviceMismatch> mismatches,
            List<StaleDevices> stale,
            @Nullable Long epoch) {
        super(status + " " + title + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.mismatches = List.copyOf(mismatches);
        this.stale = List.copyOf(stale);
        this.epoch = epoch;
    }

    public ProblemException(int status, @Nullable String type, String title, @Nullable String detail) {
        this(status, type, title, detail, List.of(), List.of());
    }

    public int status() {
        return status;
    }

    /** The problem type URI, e.g. {@code https://socialink.io/problems/device-mismatch}; may be null. */
    public @Nullable String type() {
        return type;
    }

    /** The short name of the type, e.g. {@code device-mismatch}; empty when the type is not a Socialink one. */
    public String name() {
        return type != null && type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : "";
    }

    public String title() {
        return title;
    }

    public @Nullable String detail() {
        return detail;
    }

    public List<DeviceMismatch> mismatches() {
        return mismatches;
    }

    public List<StaleDevices> stale() {
        return stale;
    }

    /** The group's current epoch that a group problem carried (409 {@code stale-epoch}), else empty. */
    public OptionalLong epoch() {
        return epoch == null ? OptionalLong.empty() : OptionalLong.of(epoch);
    }

    /** A group Commit or message built on an epoch the group has left behind (409 {@code stale-epoch}). */
    public boolean isStaleEpoch() {
        return "stale-epoch".equals(name());
    }

    /** Whether refreshing device lists and re-sending can fix this problem (409 mismatch or 410 stale). */
    public boolean isDeviceListOutdated() {
        return "device-mismatch".equals(name())
                || "stale-devices".equals(name())
                || !mismatches.isEmpty()
                || !stale.isEmpty();
    }

    /** The users whose device lists this problem says are outdated. */
    public Set<String> outdatedUsers() {
        Set<String> users = new LinkedHashSet<>();
        mismatches.forEach(mismatch -> users.add(mismatch.userId()));
        stale.forEach(staleDevices -> users.add(staleDevices.userId()));
        return users;
    }
}
