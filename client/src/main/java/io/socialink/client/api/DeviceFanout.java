package io.socialink.client.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Builds the copies of one send as the gateway requires them: one per active device of the destination and one
 * per other active device of the sender; a send to oneself (Note to Self) covers the sender's other devices only.
 */
final class DeviceFanout {

    private DeviceFanout() {}

    /**
     * @param devicesByUser the known device lists of the destination and of the sender
     * @param copy          makes the copy for one device, given its user and device
     */
    static List<OutgoingCopy> copies(
            String senderUserId,
            int senderDeviceId,
            String destination,
            Map<String, List<DeviceInfo>> devicesByUser,
            BiFunction<String, DeviceInfo, OutgoingCopy> copy) {
        List<OutgoingCopy> copies = new ArrayList<>();
        addCopies(
                copies,
                destination,
                devicesByUser.getOrDefault(destination, List.of()),
                senderUserId,
                senderDeviceId,
                copy);
        if (!destination.equals(senderUserId)) {
            addCopies(
                    copies,
                    senderUserId,
                    devicesByUser.getOrDefault(senderUserId, List.of()),
                    senderUserId,
                    senderDeviceId,
                    copy);
        }
        return copies;
    }

    private static void addCopies(
            List<OutgoingCopy> copies,
            String userId,
            List<DeviceInfo> devices,
            String senderUserId,
            int senderDeviceId,
            BiFunction<String, DeviceInfo, OutgoingCopy> copy) {
        for (DeviceInfo device : devices) {
            boolean sendingDevice = userId.equals(senderUserId) && device.deviceId() == senderDeviceId;
            if (!sendingDevice) {
                copies.add(copy.apply(userId, device));
            }
        }
    }
}
