package io.socialink.gateway.groups;

/** The JSON bodies of the group endpoints (docs/groups.md); binary fields are base64 (standard alphabet). */
public final class GroupRequestBodies {

    private GroupRequestBodies() {}

    /** {@code POST /api/v1/groups/create/{creatorId}}. */
    public record CreateGroup(String groupId, Integer cipherSuite) {}

    /** {@code POST /api/v1/groups/{groupId}/members/{addedBy}}. */
    public record AddMembers(Long epoch, String commit, String welcome, String groupInfo) {}

    /**
     * {@code DELETE /api/v1/groups/{groupId}/members/{userId}/{removedBy}} with {@code removedBy != userId}, and
     * {@code POST /api/v1/groups/{groupId}/commit/{committerId}}.
     */
    public record CommitOnly(Long epoch, String commit, String groupInfo) {}

    /** {@code POST /api/v1/groups/{groupId}/send/{senderId}}; {@code expiresAt} in epoch milliseconds. */
    public record Send(String message, String idempotencyKey, Long expiresAt) {}
}
