package io.socialink.client.mls;

import io.socialink.client.api.GroupMembersAdded;
import io.socialink.client.api.GroupSendResult;
import io.socialink.client.api.KeyPackageClaim;
import io.socialink.client.api.KeyPackageCount;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Delivery Service as one device sees it (docs/groups.md): the KeyPackage directory and the group endpoints,
 * acting as that device. {@link GatewayDeliveryService} is the gateway's REST API; tests can put an in-memory one in
 * its place. Problems are {@link io.socialink.client.api.ProblemException}s with the gateway's problem names
 * ({@code stale-epoch} carries the group's current epoch).
 */
public interface MlsDeliveryService {

    void uploadKeyPackages(List<byte[]> keyPackages, byte @Nullable [] lastResort);

    KeyPackageCount keyPackageCount();

    KeyPackageClaim claimKeyPackages(Collection<String> users, boolean skipOwnDevices);

    /** Creates the group with this device as leaf 0; answers the epoch (0). */
    long createGroup(String groupId, int cipherSuite);

    GroupMembersAdded addMembers(String groupId, long epoch, byte[] commit, byte[] welcome, byte[] groupInfo);

    /** Removes all of {@code userId}'s leaves (and the pending ones); answers the new epoch. */
    long removeMember(String groupId, String userId, long epoch, byte[] commit, byte[] groupInfo);

    /** This device's user leaves; answers the unchanged epoch. */
    long leave(String groupId);

    /** An update commit (key rotation plus pending removals only); answers the new epoch. */
    long commit(String groupId, long epoch, byte[] commit, byte[] groupInfo);

    GroupSendResult send(String groupId, byte[] message, String idempotencyKey);
}
