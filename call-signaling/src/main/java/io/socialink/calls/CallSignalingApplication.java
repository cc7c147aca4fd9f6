package io.socialink.calls;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams app that is the single writer of every call: it decides each {@code call.commands} record against
 * the call's state, rings the callee's devices, relays answers and ICE candidates as per-device copies, and ends
 * calls that ring too long.
 */
@SpringBootApplication
public class CallSignalingApplication {

    public static void main(String[] args) {
        SpringApplication.run(CallSignalingApplication.class, args);
    }
}
