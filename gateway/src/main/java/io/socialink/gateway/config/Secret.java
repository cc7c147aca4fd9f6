package io.socialink.gateway.config;

import java.nio.charset.StandardCharsets;

/**
 * A configured secret (platform JWT key, database password). Its {@link #toString()} never shows the value, so a
 * secret cannot leak through logs, exception messages or the actuator by accident; code that needs the value
 * asks for it explicitly.
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

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<empty>" : "******";
    }
}
