package io.socialink.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread that holds thousands of idle sockets: it reads their frames into one shared buffer, answers
 * envelopes with acks and protocol pings with pongs, and writes each socket's keep-alive ping on time. A thread per
 * socket, or the JDK WebSocket client, would not fit 20,000 sockets in a small heap; here a socket costs its channel,
 * its selection key and an {@link IdleSocket}. Everything a socket does happens on this thread, so it needs no lock.
 */
final class SocketReactor implements Runnable {

    /** What the bench learns from the sockets. Called on the reactor thread: must not block. */
    interface Events {
        /** An envelope arrived (and was acked) on {@code socket}, at {@code nanos}. */
        void envelope(IdleSocket socket, long nanos);

        /** {@code socket} ended: closed by the server ({@code close-<code>}), EOF, an I/O error, or a bad frame. */
        void ended(IdleSocket socket, String reason);
    }

    private record PingDue(long nanos, IdleSocket socket, int generation) {}

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final long MAX_SELECT_MILLIS = 1_000;

    private final Selector selector;
    private final Queue<IdleSocket> arrivals = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<PingDue> pings = new PriorityQueue<>((a, b) -> Long.compare(a.nanos(), b.nanos()));
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final long keepAliveNanos;
    private final Events events;
    private final SocketCounters counters;
    private volatile boolean running = true;

    SocketReactor(long keepAliveNanos, Events events, SocketCounters counters) throws IOException {
        this.selector = Selector.open();
        this.keepAliveNanos = keepAliveNanos;
        this.events = events;
        this.counters = counters;
    }

    /** Hands over a socket whose upgrade succeeded (its channel still in blocking mode); any thread. */
    void adopt(IdleSocket socket) {
        arrivals.add(socket);
        selector.wakeup();
    }

    /** Stops the thread, which closes its sockets without a close frame. */
    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(selectTimeoutMillis());
                registerArrivals();
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    IdleSocket socket = (IdleSocket) key.attachment();
                    if (key.isValid() && key.isWritable()) {
                        flush(socket);
                    }
                    if (key.isValid() && key.isReadable()) {
                        read(socket);
                    }
                }
                sendDuePings();
            }
        } catch (IOException | ClosedSelectorException e) {
            throw new IllegalStateException("socket reactor failed", e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly((SocketChannel) key.channel());
            }
            closeQuietly(selector);
        }
    }

    private long selectTimeoutMillis() {
        PingDue next = pings.peek();
        if (next == null) {
            return MAX_SELECT_MILLIS;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(next.nanos() - System.nanoTime());
        return Math.max(1, Math.min(MAX_SELECT_MILLIS, millis));
    }

    private void registerArrivals() {
        IdleSocket socket;
        while ((socket = arrivals.poll()) != null) {
            SocketChannel channel = socket.channel;
            if (channel == null) {
                continue;
            }
            try {
                channel.configureBlocking(false);
                socket.key = channel.register(selector, SelectionKey.OP_READ, socket);
            } catch (IOException e) {
                end(socket, reason(e));
                continue;
            }
            // the first ping at a random point of the interval, so that the sockets' pings spread evenly
            long first = System.nanoTime() + ThreadLocalRandom.current().nextLong(Math.max(1, keepAliveNanos));
            pings.add(new PingDue(first, socket, socket.generation));
            if (socket.pending != null) {
                // frames that came with the upgrade response
                ByteBuffer early = socket.pending;
                socket.pending = null;
                consume(socket, early, false);
            }
        }
    }

    private void read(IdleSocket socket) {
        SocketChannel channel = socket.channel;
        if (channel == null) {
            return;
        }
        try {
            ByteBuffer held = socket.pending;
            if (held == null) {
                readBuffer.clear();
                if (channel.read(readBuffer) < 0) {
                    end(socket, "eof");
                    return;
                }
                readBuffer.flip();
                consume(socket, readBuffer, false);
            } else {
                // append to the partial frame: the buffer was sized to hold that frame whole
                held.position(held.limit()).limit(held.capacity());
                int n = channel.read(held);
                held.flip();
                if (n < 0) {
                    end(socket, "eof");
                    return;
                }
                socket.pending = null;
                consume(socket, held, true);
            }
        } catch (IOException e) {
            end(socket, reason(e));
        }
    }

    /** Handles the complete frames in {@code bytes} and keeps the rest for the next read. */
    private void consume(IdleSocket socket, ByteBuffer bytes, boolean owned) {
        try {
            FrameReader.readFrames(bytes, (opcode, fin, payload) -> frame(socket, opcode, fin, payload));
            if (socket.channel == null || !bytes.hasRemaining()) {
                return;
            }
            int needed = FrameReader.frameLength(bytes);
            int capacity = Math.max(bytes.remaining(), needed < 0 ? 16 : needed);
            if (owned && bytes.capacity() >= capacity) {
                bytes.compact().flip();
                socket.pending = bytes;
            } else {
                ByteBuffer held = ByteBuffer.allocate(capacity);
                held.put(bytes).flip();
                socket.pending = held;
            }
        } catch (IOException e) {
            end(socket, "bad-frame");
        }
    }

    private void frame(IdleSocket socket, int opcode, boolean fin, ByteBuffer payload) throws IOException {
        if (socket.channel == null) {
            return; // ended by an earlier frame of the same read
        }
        switch (opcode) {
            case FrameReader.OPCODE_TEXT -> {
                if (fin) {
                    text(socket, payload);
                } else {
                    counters.otherFrames.increment(); // a fragmented message: not one the bench waits for
                }
            }
            case FrameReader.OPCODE_PING -> {
                counters.protocolPings.increment();
                write(socket, ClientFrames.pong(payload));
            }
            case FrameReader.OPCODE_CLOSE -> {
                int code = payload.remaining() >= 2 ? payload.getShort(payload.position()) & 0xFFFF : 1005;
                write(socket, ClientFrames.close(code == 1005 ? 1000 : code));
                end(socket, "close-" + code);
            }
            default -> counters.otherFrames.increment();
        }
    }

    private void text(IdleSocket socket, ByteBuffer payload) {
        long now = System.nanoTime();
        String json = StandardCharsets.UTF_8.decode(payload).toString();
        String type = FrameText.type(json);
        if ("envelope".equals(type)) {
            String messageId = FrameText.messageId(json);
            if (messageId != null) {
                write(socket, ClientFrames.ack(messageId));
            }
            counters.envelopes.increment();
            events.envelope(socket, now);
        } else if ("pong".equals(type)) {
            counters.pongs.increment();
        } else if ("queue-empty".equals(type)) {
            counters.queueEmpty.increment();
        } else {
            counters.otherFrames.increment();
        }
    }

    private void sendDuePings() {
        long now = System.nanoTime();
        PingDue due;
        while ((due = pings.peek()) != null && due.nanos() - now <= 0) {
            pings.poll();
            IdleSocket socket = due.socket();
            if (socket.channel == null || socket.generation != due.generation()) {
                continue; // the connection it was scheduled for has ended
            }
            write(socket, ClientFrames.ping());
            counters.pingsSent.increment();
            pings.add(new PingDue(due.nanos() + keepAliveNanos, socket, due.generation()));
        }
    }

    /** Writes what the kernel takes now and keeps the rest until the socket is writable. */
    private void write(IdleSocket socket, ByteBuffer frame) {
        SocketChannel channel = socket.channel;
        if (channel == null) {
            return;
        }
        try {
            if (socket.unwritten != null) {
                ByteBuffer joined = ByteBuffer.allocate(socket.unwritten.remaining() + frame.remaining());
                joined.put(socket.unwritten).put(frame).flip();
                socket.unwritten = joined;
                return;
            }
            channel.write(frame);
            SelectionKey key = socket.key;
            if (frame.hasRemaining() && key != null) {
                socket.unwritten = frame;
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        } catch (IOException e) {
            end(socket, reason(e));
        }
    }

    private void flush(IdleSocket socket) {
        ByteBuffer unwritten = socket.unwritten;
        SocketChannel channel = socket.channel;
        SelectionKey key = socket.key;
        if (channel == null || key == null || unwritten == null) {
            return;
        }
        try {
            channel.write(unwritten);
            if (!unwritten.hasRemaining()) {
                socket.unwritten = null;
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            end(socket, reason(e));
        }
    }

    private void end(IdleSocket socket, String reason) {
        SocketChannel channel = socket.channel;
        if (channel == null) {
            return;
        }
        if (socket.key != null) {
            socket.key.cancel();
        }
        closeQuietly(channel);
        socket.channel = null;
        socket.key = null;
        socket.pending = null;
        socket.unwritten = null;
        socket.generation++;
        events.ended(socket, reason);
    }

    private static String reason(IOException e) {
        return "io-" + e.getClass().getSimpleName();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
