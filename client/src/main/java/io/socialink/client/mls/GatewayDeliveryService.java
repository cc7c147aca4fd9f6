package io.socialink.client.mls;

import io.socialink.client.api.GroupMembersAdded;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.KeyPackageCount;
import io.socialink.client.api.SocialinkClient;
import io.socialink.client.auth.DeviceCredentials;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link MlsDeliveryService} over the gateway's REST API, authenticated as one device. Thread-safe. */
public final class GatewayDeliveryService implements MlsDeliveryService {

    private final SocialinkClient client;
    private final DeviceCredentials device;

    public GatewayDeliveryService(SocialinkClient client, DeviceCredentials device) {
        this.client = Objects.requireNonNull(client, "client");
        this.device = Objects.requireNonNull(device, "device");
    }

    @Override
    public void uploadKeyPackages(List<byte[]> keyPackages, byte @Nullable [] lastResort) {
        client.uploadKeyPackages(device, keyPackages, lastResort);
    }

    @Override
    public KeyPackageCount keyPackageCount() {
        return client.keyPackageCount(device);
    }

    @Override
    public KeyPackageClaim claimKeyPackages(Collection<String> users, boolean skipOwnDevices) {
        return client.claimKeyPackages(device, users, skipOwnDevices);
    }

    @Override
    public long createGroup(String groupId, int cipherSuite) {
        return client.createGroup(device, groupId, cipherSuite);
    }

    @Override
    public GroupMembersAdded addMembers(String groupId, long epoch, byte[] commit, byte[] welcome, byte[] groupInfo) {
        return client.addGroupMembers(device, groupId, epoch, commit, welcome, groupInfo);
    }

    @Override
    public long removeMember(String groupId, String userId, long epoch, byte[] commit, byte[] groupInfo) {
        return client.removeGroupMember(device, groupId, userId, epoch, commit, groupInfo);
    }

    @Override
    public long leave(String groupId) {
        return client.leaveGroup(device, groupId);
    }

    @Override
    public long commit(String groupId, long epoch, byte[] commit, byte[] groupInfo) {
        return client.commitGroup(device, groupId, epoch, commit, groupInfo);
    }

    @Override
    public GroupSendResult send(String groupId, byte[] message, String idempotencyKey) {
        return client.sendGroupMessage(device, groupId, message, idempotencyKey, null);
    }
}
