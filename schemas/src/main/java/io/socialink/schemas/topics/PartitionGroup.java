package io.socialink.schemas.topics;

/**
 * Topics in one group share their partition count. The per-device group is co-partitioned: the same device
 * address lands on the same partition number in each of its topics, so one Streams task owns a device.
 */
public enum PartitionGroup {
    /** Keyed by device address, co-partitioned. */
    DEVICE,
    /** One partition per gateway node: the partition count is the largest number of gateway nodes. */
    GATEWAY_PUSH,
    /** Analytics topics. */
    METADATA,
    /** Keyed by groupId or callId: one partition owns a group or a call, so each has exactly one writer. */
    GROUP
}
