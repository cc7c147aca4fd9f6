package io.socialink.gateway.groups;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.keypackages.KeyPackages;
import io.socialink.gateway.mls.InvalidMlsMessageException;
import io.socialink.gateway.mls.MlsShape;
import io.socialink.gateway.mls.MlsWire;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.mls.codec.Commit;
import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.SenderType;
import org.jspecify.annotations.Nullable;

/**
 * Reads what the Delivery Service may read of MLS messages without keys (RFC 9420 framing), with the bcmls codec
 * classes: every message must decode completely and canonically (no truncation, no trailing bytes) as MLS 1.0 of
 * the expected wire format. Commits must be PublicMessages (content type commit, sent by a member) whose proposals
 * are inline Adds and Removes; application messages PrivateMessages of content type application; the framing's
 * group id must be the group's. Anything else is an {@link InvalidMlsMessageException}. {@link MlsShape} checks
 * every length before bcmls reads the bytes.
 */
public final class MlsFraming {

    private MlsFraming() {}

    /** A device an Add proposal adds: its KeyPackageRef and credential identity (null if not a device address). */
    public record Add(@Nullable DeviceAddress device, byte[] keyPackageRef) {}

    /** What a Commit shows: epoch it builds on, Adds in proposal order, removed leaf indices, other proposals. */
    public record CommitInfo(long epoch, List<Add> adds, List<Integer> removedLeaves) {}

    /** A PublicMessage Commit of group {@code groupId}. */
    public static CommitInfo commit(byte[] bytes, byte[] groupId) throws InvalidMlsMessageException {
        MLSMessage message = decode(bytes, MlsShape.WIRE_PUBLIC_MESSAGE, "commit");
        FramedContent content;
        try {
            content = (FramedContent)
                    MLSInputStream.decode(Arrays.copyOfRange(bytes, 4, bytes.length), FramedContent.class);
        } catch (Exception e) {
            throw new InvalidMlsMessageException("the commit does not parse");
        }
        if (content.getContentType() != ContentType.COMMIT || content.getCommit() == null) {
            throw new InvalidMlsMessageException("the commit's content type must be commit");
        }
        requireGroup(content.getGroupID(), groupId);
        if (content.getSender() == null || content.getSender().getSenderType() != SenderType.MEMBER) {
            throw new InvalidMlsMessageException("the commit must be sent by a member");
        }
        Commit commit = content.getCommit();
        List<Add> adds = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        for (ProposalOrRef proposalOrRef : commit.getProposals()) {
            if (proposalOrRef.getType() != ProposalOrRefType.PROPOSAL || proposalOrRef.getProposal() == null) {
                throw new InvalidMlsMessageException("proposals must be inline, not by reference");
            }
            Proposal proposal = proposalOrRef.getProposal();
            switch (proposal.getProposalType()) {
                case ADD -> adds.add(add(proposal));
                case REMOVE -> removed.add(proposal.getRemove().removed.value());
                default ->
                    throw new InvalidMlsMessageException("proposal type " + proposal.getProposalType()
                            + " is not supported; commits carry Add and Remove proposals only");
            }
        }
        return new CommitInfo(message.getEpoch(), List.copyOf(adds), List.copyOf(removed));
    }

    private static Add add(Proposal proposal) throws InvalidMlsMessageException {
        Proposal.Add add = proposal.getAdd();
        if (add == null || add.keyPackage == null) {
            throw new InvalidMlsMessageException("an Add proposal carries no KeyPackage");
        }
        try {
            KeyPackages.Parsed parsed = KeyPackages.inspect(add.keyPackage, null);
            return new Add(parsed.identity(), parsed.ref());
        } catch (KeyPackages.InvalidKeyPackageException e) {
            throw new InvalidMlsMessageException("an added KeyPackage is not usable: " + e.getMessage());
        }
    }

    /** The epoch of a PrivateMessage of content type application in group {@code groupId}. */
    public static long applicationMessage(byte[] bytes, byte[] groupId) throws InvalidMlsMessageException {
        MLSMessage message = decode(bytes, MlsShape.WIRE_PRIVATE_MESSAGE, "message");
        if (message.getContentType() != ContentType.APPLICATION) {
            throw new InvalidMlsMessageException("the message's content type must be application");
        }
        MlsWire wire = new MlsWire(bytes);
        wire.u16();
        wire.u16();
        requireGroup(wire.opaque(), groupId);
        return message.getEpoch();
    }

    /** The KeyPackageRefs a Welcome addresses, in order. */
    public static List<byte[]> welcomeRefs(byte[] bytes) throws InvalidMlsMessageException {
        MLSMessage message = decode(bytes, MlsShape.WIRE_WELCOME, "welcome");
        if (message.welcome == null
                || message.welcome.getSuite() == null
                || message.welcome.getSuite().getSuiteID() != KeyPackages.CIPHER_SUITE) {
            throw new InvalidMlsMessageException("the welcome must use cipher suite " + KeyPackages.CIPHER_SUITE);
        }
        MlsWire wire = new MlsWire(bytes);
        wire.u16();
        wire.u16();
        wire.u16();
        MlsWire secrets = wire.vector();
        List<byte[]> refs = new ArrayList<>();
        while (!secrets.atEnd()) {
            refs.add(secrets.opaque());
            secrets.opaque();
            secrets.opaque();
        }
        return refs;
    }

    /** Checks a GroupInfo message of group {@code groupId}; answers its epoch. */
    public static long groupInfo(byte[] bytes, byte[] groupId) throws InvalidMlsMessageException {
        MLSMessage message = decode(bytes, MlsShape.WIRE_GROUP_INFO, "groupInfo");
        if (message.groupInfo == null) {
            throw new InvalidMlsMessageException("groupInfo does not parse");
        }
        requireGroup(message.groupInfo.getGroupID(), groupId);
        return message.groupInfo.getEpoch();
    }

    private static MLSMessage decode(byte[] bytes, int wireFormat, String what) throws InvalidMlsMessageException {
        MlsShape.check(bytes, wireFormat, what);
        MLSMessage message;
        try {
            message = (MLSMessage) MLSInputStream.decode(bytes, MLSMessage.class);
        } catch (Exception e) {
            // bcmls signals malformed input with IOException or index errors (unknown enum values)
            throw new InvalidMlsMessageException(what + " is not an MLS message");
        }
        try {
            if (!Arrays.equals(MLSOutputStream.encode(message), bytes)) {
                throw new InvalidMlsMessageException(what + " is truncated, padded or not canonically encoded");
            }
        } catch (InvalidMlsMessageException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidMlsMessageException(what + " is not an MLS message");
        }
        return message;
    }

    private static void requireGroup(byte[] framed, byte[] groupId) throws InvalidMlsMessageException {
        if (!Arrays.equals(framed, groupId)) {
            throw new InvalidMlsMessageException("the message belongs to another group");
        }
    }
}
