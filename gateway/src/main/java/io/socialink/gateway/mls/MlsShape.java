package io.socialink.gateway.mls;

/**
 * Walks the RFC 9420 encoding of an {@code MLSMessage} and checks that every length fits inside what encloses it,
 * before the bcmls codec reads the bytes: bcmls allocates a vector by its declared length before it checks that
 * the bytes are there, so a few forged bytes could make it allocate a gigabyte. Also refuses what the service does
 * not accept anyway (proposals other than Add, Update and Remove, credentials other than basic and X.509, wire
 * formats it never reads), and trailing bytes.
 */
public final class MlsShape {

    public static final int WIRE_PUBLIC_MESSAGE = 1;
    public static final int WIRE_PRIVATE_MESSAGE = 2;
    public static final int WIRE_WELCOME = 3;
    public static final int WIRE_GROUP_INFO = 4;
    public static final int WIRE_KEY_PACKAGE = 5;

    private static final int CONTENT_APPLICATION = 1;
    private static final int CONTENT_PROPOSAL = 2;
    private static final int CONTENT_COMMIT = 3;

    private MlsShape() {}

    /** Checks the shape of a whole {@code MLSMessage} of wire format {@code expected}. */
    public static void check(byte[] bytes, int expected, String what) throws InvalidMlsMessageException {
        MlsWire wire = new MlsWire(bytes);
        if (wire.u16() != 1) {
            throw new InvalidMlsMessageException(what + " is not MLS 1.0");
        }
        int wireFormat = wire.u16();
        if (wireFormat != expected) {
            throw new InvalidMlsMessageException(what + " must have wire format " + expected + ", not " + wireFormat);
        }
        switch (wireFormat) {
            case WIRE_PUBLIC_MESSAGE -> publicMessage(wire);
            case WIRE_PRIVATE_MESSAGE -> {
                wire.opaque();
                wire.u64();
                wire.u8();
                wire.opaque();
                wire.opaque();
                wire.opaque();
            }
            case WIRE_WELCOME -> {
                wire.u16();
                MlsWire secrets = wire.vector();
                while (!secrets.atEnd()) {
                    secrets.opaque();
                    secrets.opaque();
                    secrets.opaque();
                }
                wire.opaque();
            }
            case WIRE_GROUP_INFO -> {
                wire.u16();
                wire.u16();
                wire.opaque();
                wire.u64();
                wire.opaque();
                wire.opaque();
                extensions(wire);
                extensions(wire);
                wire.opaque();
                wire.skip(4);
                wire.opaque();
            }
            case WIRE_KEY_PACKAGE -> keyPackage(wire);
            default -> throw new InvalidMlsMessageException(what + " has an unknown wire format");
        }
        if (!wire.atEnd()) {
            throw new InvalidMlsMessageException(what + " has trailing bytes");
        }
    }

    private static void publicMessage(MlsWire wire) throws InvalidMlsMessageException {
        wire.opaque();
        wire.u64();
        int senderType = wire.u8();
        switch (senderType) {
            case 1, 2 -> wire.skip(4);
            case 3, 4 -> {}
            default -> throw new InvalidMlsMessageException("unknown sender type");
        }
        wire.opaque();
        int contentType = wire.u8();
        switch (contentType) {
            case CONTENT_APPLICATION -> wire.opaque();
            case CONTENT_PROPOSAL -> proposal(wire);
            case CONTENT_COMMIT -> {
                MlsWire proposals = wire.vector();
                while (!proposals.atEnd()) {
                    switch (proposals.u8()) {
                        case 1 -> proposal(proposals);
                        case 2 -> proposals.opaque();
                        default -> throw new InvalidMlsMessageException("unknown proposal-or-ref type");
                    }
                }
                switch (wire.u8()) {
                    case 0 -> {}
                    case 1 -> {
                        leafNode(wire);
                        MlsWire nodes = wire.vector();
                        while (!nodes.atEnd()) {
                            nodes.opaque();
                            MlsWire secrets = nodes.vector();
                            while (!secrets.atEnd()) {
                                secrets.opaque();
                                secrets.opaque();
                            }
                        }
                    }
                    default -> throw new InvalidMlsMessageException("invalid optional");
                }
            }
            default -> throw new InvalidMlsMessageException("unknown content type");
        }
        wire.opaque();
        if (contentType == CONTENT_COMMIT) {
            wire.opaque();
        }
        if (senderType == 1) {
            wire.opaque();
        }
    }

    private static void proposal(MlsWire wire) throws InvalidMlsMessageException {
        int type = wire.u16();
        switch (type) {
            case 1 -> keyPackage(wire);
            case 2 -> leafNode(wire);
            case 3 -> wire.skip(4);
            default -> throw new InvalidMlsMessageException("proposal type " + type + " is not supported");
        }
    }

    private static void keyPackage(MlsWire wire) throws InvalidMlsMessageException {
        wire.u16();
        wire.u16();
        wire.opaque();
        leafNode(wire);
        extensions(wire);
        wire.opaque();
    }

    private static void leafNode(MlsWire wire) throws InvalidMlsMessageException {
        wire.opaque();
        wire.opaque();
        int credentialType = wire.u16();
        switch (credentialType) {
            case 1 -> wire.opaque();
            case 2 -> {
                MlsWire certificates = wire.vector();
                while (!certificates.atEnd()) {
                    certificates.opaque();
                }
            }
            default -> throw new InvalidMlsMessageException("credential type " + credentialType + " is not supported");
        }
        for (int i = 0; i < 5; i++) {
            MlsWire list = wire.vector();
            while (!list.atEnd()) {
                list.u16();
            }
        }
        switch (wire.u8()) {
            case 1 -> {
                wire.u64();
                wire.u64();
            }
            case 2 -> {}
            case 3 -> wire.opaque();
            default -> throw new InvalidMlsMessageException("unknown leaf node source");
        }
        extensions(wire);
        wire.opaque();
    }

    private static void extensions(MlsWire wire) throws InvalidMlsMessageException {
        MlsWire extensions = wire.vector();
        while (!extensions.atEnd()) {
            extensions.u16();
            extensions.opaque();
        }
    }
}
