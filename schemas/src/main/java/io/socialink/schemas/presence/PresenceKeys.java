package io.socialink.schemas.presence;

/**
 * The Redis layout of presence, a contract like the topic catalog: presence-service is its only writer (from
 * {@code device.connections}), the gateway reads it.
 *
 * <ul>
 *   <li>{@link #devices(String)}: hash, deviceId → {@code "<connectionId> <seenMillis> <active 1|0>
 *   <incarnation>"}, the user's devices with a live socket as of their last connection event (seen: its connect or
 *   last activity change; incarnation: the gateway process holding the socket).</li>
 *   <li>{@link #INCARNATIONS}: hash, gateway incarnation → the time of its last NODE_ALIVE (epoch millis). A device
 *   is alive while the later of its seen and its incarnation's last NODE_ALIVE lies less than the device TTL
 *   back.</li>
 *   <li>{@link #usersOf(String)}: set, the users with a device on that incarnation, for the sweep of an incarnation
 *   that went silent.</li>
 *   <li>{@link #ONLINE}: sorted set, userId → the moment the user stops being online. While an active device is
 *   alive on a known incarnation that is {@link #UNTIL_SWEPT}: presence-service's sweep takes the user out when the
 *   incarnation goes silent (its gateway died). A device on an incarnation not known here gives {@code seen +
 *   device TTL}, a moment that readers compare with the clock. A user is online while its score lies in the
 *   future.</li>
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
    public static final String INCARNATIONS = "presence:gateway-incarnations";
    /** The {@link #ONLINE} score of a user online until the sweep takes it out (2^53 − 1, exact as a double). */
    public static final long UNTIL_SWEPT = 9_007_199_254_740_991L;

    public static final String LAST_SEEN = "presence:last-seen";
    public static final String CHANGES = "presence:changes";
    /** Suffix of a {@link #CHANGES} message whose user changed its presence settings. */
    public static final String SETTINGS_CHANGED = " settings";

    private static final String DEVICES = "presence:devices:";
    private static final String USERS_OF = "presence:incarnation-users:";

    private PresenceKeys() {}

    public static String devices(String userId) {
        return DEVICES + userId;
    }

    public static String usersOf(String incarnation) {
        return USERS_OF + incarnation;
    }

    /** The prefix of {@link #usersOf}, for the script that builds those keys itself. */
    public static String usersOfPrefix() {
        return USERS_OF;
    }
}
