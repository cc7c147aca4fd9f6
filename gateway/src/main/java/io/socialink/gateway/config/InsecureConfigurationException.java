package io.socialink.gateway.config;

/** The configuration would run the gateway insecurely (a published development secret outside the local profile). */
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
