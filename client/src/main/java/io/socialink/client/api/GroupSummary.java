package io.socialink.client.api;

import java.util.List;

/** A group as the gateway's projection sees it ({@code GET /api/v1/groups/{groupId}}); may lag by milliseconds. */
public record GroupSummary(
        String groupId, long epoch, int memberCount, int deviceCount, List<String> admins, int cipherSuite) {

    public GroupSummary {
        admins = List.copyOf(admins);
    }
}
