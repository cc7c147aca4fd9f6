package io.socialink.client.api;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's 201 to a send: every copy is in Kafka. The messageId is the same for all copies and for every
 * retry with the same idempotency key; {@code sentAt} is null when the answer had no readable one.
 */
public record SendResult(UUID messageId, @Nullable Instant sentAt, int deviceCount) {}
