package io.socialink.gateway.mls;

/** Bytes that are not the MLS message an endpoint expects; answered 422 {@code invalid-mls-message}. */
public class InvalidMlsMessageException extends Exception {

    public InvalidMlsMessageException(String message) {
        super(message, null, false, false);
    }
}
