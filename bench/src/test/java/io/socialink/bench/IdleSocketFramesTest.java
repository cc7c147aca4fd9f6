package io.socialink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing of the connections bench's idle sockets: {@link FrameReader}, {@link ClientFrames}, {@link FrameText}. */
class IdleSocketFramesTest {

    private record Frame(int opcode, boolean fin, byte[] payload) {}

    @Test
    void shouldReadFramesOfEachLengthEncodingFromOneBuffer() throws Exception {
        // given
        byte[] small = "{\"type\":\"queue-empty\"}".getBytes(StandardCharsets.UTF_8);
        byte[] medium = filled(300, (byte) 'm');
        byte[] large = filled(70_000, (byte) 'l');
        ByteBuffer bytes = concat(serverFrame(1, small), serverFrame(1, medium), serverFrame(2, large));
        List<Frame> frames = new ArrayList<>();

        // when
        int count = FrameReader.readFrames(bytes, collect(frames));

        // then
        assertThat(count).isEqualTo(3);
        assertThat(bytes.hasRemaining()).isFalse();
        assertThat(frames.get(0).payload()).isEqualTo(small);
        assertThat(frames.get(1).payload()).isEqualTo(medium);
        assertThat(frames.get(2).opcode()).isEqualTo(2);
        assertThat(frames.get(2).payload()).isEqualTo(large);
    }

    @Test
    void shouldStopAtAFrameThatArrivedInPartAndReadItOnceComplete() throws Exception {
        // given
        byte[] whole = concatBytes(serverFrame(1, filled(10, (byte) 'a')), serverFrame(1, filled(200, (byte) 'b')));
        List<Frame> frames = new ArrayList<>();
        ByteBuffer firstPart = ByteBuffer.wrap(Arrays.copyOf(whole, 12 + 5)); // first frame, 5 bytes of the second

        // when
        int first = FrameReader.readFrames(firstPart, collect(frames));

        // then
        assertThat(first).isEqualTo(1);
        assertThat(firstPart.position()).isEqualTo(12);
        assertThat(FrameReader.frameLength(firstPart)).isEqualTo(4 + 200);

        // when the rest arrives
        ByteBuffer rest = ByteBuffer.wrap(whole, 12, whole.length - 12);
        int second = FrameReader.readFrames(rest, collect(frames));

        // then
        assertThat(second).isEqualTo(1);
        assertThat(frames.get(1).payload()).isEqualTo(filled(200, (byte) 'b'));
    }

    @Test
    void shouldReportAnIncompleteHeaderAsUnknownLength() throws Exception {
        // given a 64-bit length header cut after 5 of its 10 bytes
        ByteBuffer cut = ByteBuffer.wrap(Arrays.copyOf(concatBytes(serverFrame(1, filled(70_000, (byte) 'x'))), 5));

        // when
        int length = FrameReader.frameLength(cut);

        // then
        assertThat(length).isEqualTo(-1);
        assertThat(FrameReader.readFrames(cut, collect(new ArrayList<>()))).isZero();
        assertThat(cut.position()).isZero();
    }

    @Test
    void shouldHandOverFragmentsWithTheirFinBit() throws Exception {
        // given a text message in two fragments
        ByteBuffer first = serverFrame(0x01, "{\"type\":".getBytes(StandardCharsets.UTF_8));
        first.put(0, (byte) 0x01); // FIN clear, text
        ByteBuffer last = serverFrame(0x00, "\"pong\"}".getBytes(StandardCharsets.UTF_8)); // FIN, continuation
        List<Frame> frames = new ArrayList<>();

        // when
        FrameReader.readFrames(concat(first, last), collect(frames));

        // then
        assertThat(frames).extracting(Frame::opcode).containsExactly(1, 0);
        assertThat(frames).extracting(Frame::fin).containsExactly(false, true);
    }

    @Test
    void shouldRefuseAMaskedServerFrame() {
        // given
        ByteBuffer masked = ClientFrames.ping();

        // when / then
        assertThatThrownBy(() -> FrameReader.readFrames(masked, collect(new ArrayList<>())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("masked");
    }

    @Test
    void shouldMaskClientFramesWithTheKeyAndEncodeEachLength() {
        // given
        byte[] mask = {0x11, 0x22, 0x33, 0x44};

        for (int length : new int[] {5, 125, 126, 300, 65_535, 65_536, 70_000}) {
            byte[] payload = filled(length, (byte) 'p');

            // when
            ByteBuffer frame = ClientFrames.frame(FrameReader.OPCODE_TEXT, payload, mask);

            // then
            assertThat(frame.get(0) & 0xFF).isEqualTo(0x81);
            assertThat(frame.get(1) & 0x80).as("mask bit").isEqualTo(0x80);
            int header;
            int length7 = frame.get(1) & 0x7F;
            if (length < 126) {
                header = 2;
                assertThat(length7).isEqualTo(length);
            } else if (length <= 0xFFFF) {
                header = 4;
                assertThat(length7).isEqualTo(126);
                assertThat(frame.getShort(2) & 0xFFFF).isEqualTo(length);
            } else {
                header = 10;
                assertThat(length7).isEqualTo(127);
                assertThat(frame.getLong(2)).isEqualTo(length);
            }
            byte[] key = new byte[4];
            frame.get(header, key, 0, 4);
            assertThat(key).isEqualTo(mask);
            assertThat(frame.remaining()).isEqualTo(header + 4 + length);
            byte[] unmasked = new byte[length];
            for (int i = 0; i < length; i++) {
                unmasked[i] = (byte) (frame.get(header + 4 + i) ^ mask[i & 3]);
            }
            assertThat(unmasked).isEqualTo(payload);
        }
    }

    @Test
    void shouldAckTheEnvelopesMessageIdAndEchoAPingsPayloadInThePong() {
        // given
        String envelope =
                "{\"type\":\"envelope\",\"messageId\":\"0b7e-42\",\"sender\":{\"userId\":\"a\",\"deviceId\":1},"
                        + "\"content\":\"AAAA\"}";

        // when
        ByteBuffer ack = ClientFrames.ack(FrameText.messageId(envelope));
        ByteBuffer pong = ClientFrames.pong(ByteBuffer.wrap(new byte[] {1, 2, 3}));

        // then
        assertThat(FrameText.type(envelope)).isEqualTo("envelope");
        assertThat(unmask(ack)).isEqualTo("{\"type\":\"ack\",\"messageIds\":[\"0b7e-42\"]}");
        assertThat(pong.get(0) & 0xFF).isEqualTo(0x8A);
        assertThat(unmask(pong).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(new byte[] {1, 2, 3});
    }

    @Test
    void shouldFindFieldsWithBlanksAndIgnoreAMissingOne() {
        assertThat(FrameText.type("{ \"type\" : \"pong\", \"id\": \"x\" }")).isEqualTo("pong");
        assertThat(FrameText.messageId("{\"type\":\"queue-empty\"}")).isNull();
        assertThat(FrameText.type("{\"type\":3}")).isNull();
    }

    /** The payload of a short masked client frame. */
    private static String unmask(ByteBuffer frame) {
        int length = frame.get(1) & 0x7F;
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (frame.get(6 + i) ^ frame.get(2 + (i & 3)));
        }
        return new String(payload, StandardCharsets.ISO_8859_1);
    }

    /** An unmasked frame with FIN set, as the gateway writes it. */
    private static ByteBuffer serverFrame(int opcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).flip();
    }

    private static FrameReader.Handler collect(List<Frame> frames) {
        return (opcode, fin, payload) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            frames.add(new Frame(opcode, fin, bytes));
        };
    }

    private static ByteBuffer concat(ByteBuffer... buffers) {
        return ByteBuffer.wrap(concatBytes(buffers));
    }

    private static byte[] concatBytes(ByteBuffer... buffers) {
        int total = Arrays.stream(buffers).mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        for (ByteBuffer buffer : buffers) {
            all.put(buffer.duplicate());
        }
        return all.array();
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
