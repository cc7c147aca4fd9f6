package io.socialink.client.api;

import java.util.List;
import java.util.Map;

/**
 * The sender-side state of one multi-device send for {@link SocialinkClient#sendToAllDevices}: which devices the
 * sender believes active, how to make one device's copy, and how to correct the belief when the gateway answers
 * 409 {@code device-mismatch} or 410 {@code stale-devices}. Used from one thread at a time.
 */
public interface DeviceCopies {

    /** The believed active devices of the destination and, unless Note to Self, of the sender. */
    Map<String, List<DeviceInfo>> devices();

    /** The copy for one device; called once per device and attempt. */
    OutgoingCopy copy(String userId, DeviceInfo device);

    /** Brings the believed device sets up to date with what the problem names. */
    void correct(ProblemException problem);
}
