package io.socialink.groups.decide;

/**
 * A refusal as the gateway answers it: the HTTP status and the stable problem type of docs/groups.md
 * ({@code https://socialink.io/problems/<type>}).
 */
public record Problem(int status, String type) {

    public static final Problem GROUP_EXISTS = new Problem(409, "group-exists");
    public static final Problem UNKNOWN_GROUP = new Problem(404, "unknown-group");
    public static final Problem NOT_A_MEMBER = new Problem(403, "not-a-member");
    public static final Problem NOT_ADMIN = new Problem(403, "not-admin");
    public static final Problem STALE_EPOCH = new Problem(409, "stale-epoch");
    public static final Problem INVALID_EPOCH = new Problem(422, "invalid-epoch");
    public static final Problem ALREADY_MEMBER = new Problem(409, "already-member");
    public static final Problem GROUP_FULL = new Problem(422, "group-full");
    public static final Problem DEVICE_MISMATCH = new Problem(409, "device-mismatch");
    /** A command the gateway should never have sent: wrong commit kind for its proposals, no Welcome, ... */
    public static final Problem INVALID_MLS_MESSAGE = new Problem(422, "invalid-mls-message");
}
