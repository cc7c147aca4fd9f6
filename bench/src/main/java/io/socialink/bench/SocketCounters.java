package io.socialink.bench;

import java.util.concurrent.atomic.LongAdder;

/** What the idle sockets of one bench process sent and received, summed over its reactor threads. */
final class SocketCounters {

    final LongAdder pingsSent = new LongAdder();
    final LongAdder pongs = new LongAdder();
    final LongAdder envelopes = new LongAdder();
    final LongAdder queueEmpty = new LongAdder();
    final LongAdder otherFrames = new LongAdder();
    final LongAdder protocolPings = new LongAdder();
}
