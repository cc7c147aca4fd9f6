package io.socialink.client.api;

import java.util.UUID;

/** The gateway's answer to a group message: its id, the group's epoch when accepted and how many copies went out. */
public record GroupSendResult(UUID messageId, long epoch, int recipientDevices) {}
