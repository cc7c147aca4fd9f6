package io.socialink.schemas.presence;

/**
 * The Redis layout of presence, a contract like the topic catalog: presence-service is its only writer (from
 * {@code device.connections}), the gateway reads it.
 *
 * <ul>
 *   <li>{@link #devices(String)}: hash, deviceId → {@code "<connectionId> <lastSeenMillis> <active 1|0>"}, the
 *   user's devices with a live socket as of their last connection event.</li>
 *   <li>{@link #ONLINE}: sorted set, userId → the moment the user stops being online unless a device is seen again
 *   (the latest {@code lastSeen + device TTL} of its active devices). A user is online while that score lies in the
 *   future, so a crashed gateway's devices go offline by themselves; the sweep only removes stale members.</li>
 *   <li>{@link #LAST_SEEN}: hash, userId → the last moment the user had an online device (epoch millis).</li>
 *   <li>{@link #CHANGES}: pub/sub channel, for the gateways to push a change to the sockets that follow the user: a
 *   message is a userId that entered or left the online set (published by presence-service), or
 *   {@code <userId> settings} when the user changed its status or visibility (published by the gateway; the
 *   gateways then drop what they cached of the user's settings).</li>
 * </ul>
 *
 * <p>The keys of one user and the two global keys are updated together by one Lua script, so presence needs one
 * Redis (primary and replicas, Sentinel), not Redis Cluster.
 */
public final class PresenceKeys {

    public static final String ONLINE = "presence:online";
    public static final String LAST_SEEN = "presence:last-seen";
    public static final String CHANGES = "presence:changes";
    /** Suffix of a {@link #CHANGES} message whose user changed its presence settings. */
    public static final String SETTINGS_CHANGED = " settings";

    private static final String DEVICES = "presence:devices:";

    private PresenceKeys() {}

    public static String devices(String userId) {
        return DEVICES + userId;
    }
}
