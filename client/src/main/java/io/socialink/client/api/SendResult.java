package io.socialink.client.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The gateway's 201 to a send: every copy is in Kafka. The messageId is the same for all copies and for every
 * retry with the same idempotency key.
 */
public record SendResult(UUID messageId, Instant sentAt, int deviceCount) {}
