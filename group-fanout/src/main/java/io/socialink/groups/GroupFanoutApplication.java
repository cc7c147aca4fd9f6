package io.socialink.groups;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams app that is the single writer (RFC 9750 Delivery Service) of every MLS group: it decides each
 * {@code group.commands} record against the group's state and fans accepted traffic out to member devices.
 */
@SpringBootApplication
public class GroupFanoutApplication {

    public static void main(String[] args) {
        SpringApplication.run(GroupFanoutApplication.class, args);
    }
}
