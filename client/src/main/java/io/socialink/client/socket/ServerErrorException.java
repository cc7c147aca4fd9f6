package io.socialink.client.socket;

/** An {@code error} frame sent by the server over the socket. */
public class ServerErrorException extends RuntimeException {

    private final String title;
    private final String detail;

    public ServerErrorException(String title, String detail) {
        super(title + (detail == null ? "" : ": " + detail));
        this.title = title;
        this.detail = detail;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }
}
