package io.socialink.client.socket;

import org.jspecify.annotations.Nullable;

/** An {@code error} frame sent by the server over the socket, e.g. {@code bad-frame}. */
public class ServerErrorException extends RuntimeException {

    private final @Nullable String code;
    private final @Nullable String detail;

    public ServerErrorException(@Nullable String code, @Nullable String detail) {
        super(code + (detail == null ? "" : ": " + detail));
        this.code = code;
        this.detail = detail;
    }

    public @Nullable String code() {
        return code;
    }

    public @Nullable String detail() {
        return detail;
    }
}
