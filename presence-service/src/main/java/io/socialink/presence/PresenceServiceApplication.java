package io.socialink.presence;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams app that derives presence (online, last seen, online count) from the gateways' connection events
 * on {@code device.connections} into Redis, where the gateway reads it.
 */
@SpringBootApplication
public class PresenceServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PresenceServiceApplication.class, args);
    }
}
