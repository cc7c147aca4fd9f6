package io.socialink.client.socket;

/** An {@code error} frame sent by the server over the socket, e.g. {@code bad-frame}. */
public class ServerErrorException extends RuntimeException {

    private final String code;
    private final String detail;

    public ServerErrorException(String code, String detail) {
        super(code + (detail == null ? "" : ": " + detail));
        this.code = code;
        this.detail = detail;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return detail;
    }
}
