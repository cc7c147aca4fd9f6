package io.socialink.calls.decide;

/** The refusals call-signaling answers, with the HTTP status the gateway answers them with. */
public enum Problem {
    BAD_REQUEST(400, "bad-request"),
    NOT_IN_CALL(403, "not-in-call"),
    UNKNOWN_CALL(404, "unknown-call"),
    CALL_EXISTS(409, "call-exists"),
    NOT_RINGING(409, "call-not-ringing"),
    NOT_ACCEPTED(409, "call-not-accepted"),
    ENDED(409, "call-ended"),
    TOO_MANY_CANDIDATES(413, "too-many-candidates");

    private final int status;
    private final String type;

    Problem(int status, String type) {
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
