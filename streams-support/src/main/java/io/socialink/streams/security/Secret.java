package io.socialink.streams.security;

import java.nio.charset.StandardCharsets;

/**
 * A configured secret (the internal credential). Its {@link #toString()} never shows the value, so a secret cannot
 * leak through logs, exception messages or the actuator by accident; code that needs the value asks for it
 * explicitly. The same contract as the gateway's {@code Secret}.
 */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = value == null ? "" : value;
    }

    public String reveal() {
        return value;
    }

    public byte[] utf8() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<empty>" : "******";
    }
}
