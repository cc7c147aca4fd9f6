package io.socialink.bench;

import org.jspecify.annotations.Nullable;

/**
 * The two fields an idle socket reads from a server text frame, found without a JSON parser: at 100,000 sockets
 * the bench only needs to tell an envelope from the rest and to echo its message id in the ack. The gateway writes
 * compact JSON; blanks around the colon are tolerated anyway.
 */
final class FrameText {

    private FrameText() {}

    /** The {@code type} member's value, or null. */
    static @Nullable String type(String json) {
        return stringMember(json, "\"type\"");
    }

    /** The {@code messageId} member's value, or null. */
    static @Nullable String messageId(String json) {
        return stringMember(json, "\"messageId\"");
    }

    /** The string value of the first member named {@code quotedName}; null when absent or not a plain string. */
    private static @Nullable String stringMember(String json, String quotedName) {
        int at = json.indexOf(quotedName);
        while (at >= 0) {
            int i = skipBlanks(json, at + quotedName.length());
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipBlanks(json, i + 1);
                if (i < json.length() && json.charAt(i) == '"') {
                    int end = json.indexOf('"', i + 1);
                    return end < 0 || json.lastIndexOf('\\', end) > i ? null : json.substring(i + 1, end);
                }
                return null;
            }
            at = json.indexOf(quotedName, at + 1);
        }
        return null;
    }

    private static int skipBlanks(String json, int from) {
        int i = from;
        while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
            i++;
        }
        return i;
    }
}
