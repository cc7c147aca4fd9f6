package io.socialink.groups.state;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The Commit that made a group's current epoch: a retry of exactly this Commit by the same device is answered
 * as accepted again, with the same reply attributes, instead of 409 stale-epoch.
 */
public record LastCommit(byte[] commitHash, Leaf committer, Map<String, String> replyAttributes) {

    public LastCommit {
        commitHash = commitHash.clone();
        Objects.requireNonNull(committer, "committer");
        replyAttributes = Map.copyOf(replyAttributes);
    }

    @Override
    public byte[] commitHash() {
        return commitHash.clone();
    }

    public boolean isRetry(byte[] hash, Leaf device) {
        return committer.equals(device) && Arrays.equals(commitHash, hash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LastCommit that
                && Arrays.equals(commitHash, that.commitHash)
                && committer.equals(that.committer)
                && replyAttributes.equals(that.replyAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(commitHash), committer, replyAttributes);
    }

    @Override
    public String toString() {
        return "LastCommit[committer=" + committer + ", attributes=" + replyAttributes + "]";
    }
}
