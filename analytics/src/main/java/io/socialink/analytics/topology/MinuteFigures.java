package io.socialink.analytics.topology;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/** One minute's figures: messages by kind and the receipt latencies' histograms (milliseconds, 3 digits). */
final class MinuteFigures {

    long oneToOne;
    long noteToSelf;
    long group;
    final Histogram sentToDelivered;
    final Histogram deliveredToRead;

    private MinuteFigures(Histogram sentToDelivered, Histogram deliveredToRead) {
        this.sentToDelivered = sentToDelivered;
        this.deliveredToRead = deliveredToRead;
    }

    static MinuteFigures empty() {
        return new MinuteFigures(histogram(), histogram());
    }

    private static Histogram histogram() {
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        return histogram;
    }

    void apply(Fact fact) {
        switch (fact.type()) {
            case ONE_TO_ONE -> oneToOne += fact.value();
            case NOTE_TO_SELF -> noteToSelf += fact.value();
            case GROUP_MESSAGE -> group += fact.value();
            case SENT_TO_DELIVERED -> sentToDelivered.recordValue(fact.value());
            case DELIVERED_TO_READ -> deliveredToRead.recordValue(fact.value());
            default -> throw new IllegalArgumentException("not a minute's fact: " + fact.type());
        }
    }

    /** The figures as the output topic carries them; {@code minute} like {@code 2026-12-05T07:41Z}. */
    String toJson(String minute) {
        return "{\"minute\":\"" + minute + "\",\"messages\":{\"oneToOne\":" + oneToOne + ",\"noteToSelf\":"
                + noteToSelf + ",\"group\":" + group + "},\"sentToDeliveredMs\":" + json(sentToDelivered)
                + ",\"deliveredToReadMs\":" + json(deliveredToRead) + "}";
    }

    private static String json(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "{\"count\":0}";
        }
        return "{\"count\":" + histogram.getTotalCount() + ",\"p50\":" + histogram.getValueAtPercentile(50)
                + ",\"p90\":" + histogram.getValueAtPercentile(90) + ",\"p99\":"
                + histogram.getValueAtPercentile(99) + ",\"max\":" + histogram.getMaxValue() + "}";
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(oneToOne);
            out.writeLong(noteToSelf);
            out.writeLong(group);
            write(out, sentToDelivered);
            write(out, deliveredToRead);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Histogram histogram) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        out.writeInt(length);
        out.write(buffer.array(), 0, length);
    }

    static MinuteFigures fromBytes(byte @Nullable [] stored) {
        if (stored == null) {
            return empty();
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(stored))) {
            long oneToOne = in.readLong();
            long noteToSelf = in.readLong();
            long group = in.readLong();
            MinuteFigures figures = new MinuteFigures(read(in), read(in));
            figures.oneToOne = oneToOne;
            figures.noteToSelf = noteToSelf;
            figures.group = group;
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Histogram read(DataInputStream in) throws IOException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        try {
            Histogram histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
            histogram.setAutoResize(true);
            return histogram;
        } catch (DataFormatException e) {
            throw new IllegalStateException("unreadable stored histogram", e);
        }
    }
}
