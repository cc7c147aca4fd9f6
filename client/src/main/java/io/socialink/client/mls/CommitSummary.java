package io.socialink.client.mls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * What a PublicMessage Commit says without any key: group id, epoch, committing leaf and its by-value proposals
 * (the leaves it removes, the device addresses it adds). bcmls keeps a PublicMessage's content package-private, so
 * the framing is read here: u16 version, u16 wire format, then the FramedContent. A member reads its own removal
 * from this before handing the commit to bcmls, which cannot process the commit that removes it.
 */
public record CommitSummary(
        String groupId,
        long epoch,
        int committerLeaf,
        List<Integer> removedLeaves,
        List<String> addedAddresses,
        int proposalsByReference,
        int otherProposals,
        boolean hasPath) {

    public CommitSummary {
        removedLeaves = List.copyOf(removedLeaves);
        addedAddresses = List.copyOf(addedAddresses);
    }

    /** Reads an encoded MLSMessage that must be a PublicMessage carrying a Commit. */
    public static CommitSummary read(byte[] mlsMessage) {
        try {
            return Bcmls.call(() -> parse(mlsMessage));
        } catch (MlsException e) {
            throw e;
        } catch (Exception e) {
            throw new MlsException("unreadable Commit: " + e.getMessage(), e);
        }
    }

    private static CommitSummary parse(byte[] mlsMessage) {
        try {
            MLSInputStream in = new MLSInputStream(mlsMessage);
            in.read(short.class);
            short wireFormat = (short) in.read(short.class);
            if (wireFormat != WireFormat.mls_public_message.ordinal()) {
                throw new MlsException("not a PublicMessage (wire format " + wireFormat + ")");
            }
            FramedContent content = (FramedContent) in.read(FramedContent.class);
            if (content.getCommit() == null) {
                throw new MlsException("the PublicMessage carries no Commit");
            }
            int committer = content.getSender().getSenderType() == SenderType.MEMBER
                    ? content.getSender().getSender().value()
                    : -1;
            List<Integer> removed = new ArrayList<>();
            List<String> added = new ArrayList<>();
            int byRef = 0;
            int other = 0;
            for (ProposalOrRef item : content.getCommit().getProposals()) {
                if (item.getType() != ProposalOrRefType.PROPOSAL) {
                    byRef++;
                    continue;
                }
                Proposal proposal = item.getProposal();
                if (proposal.getProposalType() == ProposalType.REMOVE) {
                    removed.add(proposal.getRemove().removed.value());
                } else if (proposal.getProposalType() == ProposalType.ADD) {
                    added.add(new String(
                            proposal.getAdd()
                                    .keyPackage
                                    .getLeafNode()
                                    .getCredential()
                                    .getIdentity(),
                            StandardCharsets.UTF_8));
                } else {
                    other++;
                }
            }
            return new CommitSummary(
                    GroupIds.encode(content.getGroupID()),
                    content.getEpoch(),
                    committer,
                    removed,
                    added,
                    byRef,
                    other,
                    content.getCommit().getUpdatePath() != null);
        } catch (IOException | RuntimeException e) {
            throw e instanceof MlsException mls ? mls : new MlsException("unreadable Commit: " + e.getMessage(), e);
        }
    }
}
