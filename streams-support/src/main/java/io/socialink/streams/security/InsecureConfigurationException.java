package io.socialink.streams.security;

/** The configuration would run the app insecurely (a published development secret outside the local profile). */
public class InsecureConfigurationException extends RuntimeException {

    private final String action;

    public InsecureConfigurationException(String message, String action) {
        super(message);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
