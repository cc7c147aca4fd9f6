package io.socialink.client.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plausible SDP offers/answers and ICE candidate lines for the call commands (no media flows): real text for the
 * peer to decrypt and check, with a {@code tag} in the session name and in each candidate's ufrag.
 */
final class Sdp {

    private Sdp() {}

    static String offer(String tag, String media) {
        return description(tag, media, "actpass");
    }

    static String answer(String tag, String media) {
        return description(tag, media, "active");
    }

    private static String description(String tag, String media, String setup) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- ")
                .append(random.nextLong(1L << 62))
                .append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=")
                .append(tag)
                .append("\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE 0")
                .append("video".equals(media) ? " 1" : "")
                .append("\r\n")
                .append("a=msid-semantic: WMS\r\n");
        appendSection(sdp, "audio", "0", "111 opus/48000/2", tag, setup);
        if ("video".equals(media)) {
            appendSection(sdp, "video", "1", "96 VP8/90000", tag, setup);
        }
        return sdp.toString();
    }

    private static void appendSection(
            StringBuilder sdp, String kind, String mid, String codec, String tag, String setup) {
        String payloadType = codec.substring(0, codec.indexOf(' '));
        sdp.append("m=")
                .append(kind)
                .append(" 9 UDP/TLS/RTP/SAVPF ")
                .append(payloadType)
                .append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:")
                .append(tag)
                .append("\r\n")
                .append("a=ice-pwd:")
                .append(Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36))
                .append("\r\n")
                .append("a=fingerprint:sha-256 ")
                .append(fingerprint())
                .append("\r\n")
                .append("a=setup:")
                .append(setup)
                .append("\r\n")
                .append("a=mid:")
                .append(mid)
                .append("\r\n")
                .append("a=sendrecv\r\n")
                .append("a=rtcp-mux\r\n")
                .append("a=rtpmap:")
                .append(codec)
                .append("\r\n");
    }

    /** {@code count} host and server-reflexive candidates, each with the tag as its ufrag. */
    static List<String> candidates(String tag, int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> candidates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int port = 49_152 + random.nextInt(16_000);
            boolean host = i % 2 == 0;
            String address = host ? "192.168.1." + (2 + random.nextInt(250)) : "203.0.113." + (2 + random.nextInt(250));
            candidates.add("candidate:" + (1_000_000 + random.nextInt(9_000_000)) + " 1 udp "
                    + (host ? 2_122_260_223L : 1_686_052_607L) + " " + address + " " + port + " typ "
                    + (host ? "host" : "srflx raddr 192.168.1.2 rport " + port) + " generation 0 ufrag " + tag);
        }
        return candidates;
    }

    private static String fingerprint() {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (i > 0) {
                hex.append(':');
            }
            hex.append(String.format("%02X", ThreadLocalRandom.current().nextInt(256)));
        }
        return hex.toString();
    }
}
