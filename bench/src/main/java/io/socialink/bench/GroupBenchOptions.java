package io.socialink.bench;

import java.net.URI;
import java.time.Duration;

/**
 * Parameters of one MLS group fan-out benchmark run ({@link GroupFanoutBench}).
 *
 * @param members       group size, the creating device included (one device per member user)
 * @param messageRuns   single-message fan-outs, one after another, each waited for on every device
 * @param burst         messages of the burst, sent back to back by the creator
 * @param burstParallel a second burst of as many messages, protected first and then POSTed this many at a time
 *                      (0 or 1: none)
 * @param typing        typing changes (start, stop, start, ...) the creator sends over its socket after the
 *                      messages, each timed to the frame on every other device (0: none)
 * @param sampleDecrypt members that really join from the Welcome and decrypt every message (the others only record
 *                      the arrival of their frames)
 * @param concurrency   registrations and socket connects in flight during the setup
 * @param timeout       how long each phase may wait for every device to have everything
 */
public record GroupBenchOptions(
        URI server,
        int members,
        int messageRuns,
        int burst,
        int burstParallel,
        int typing,
        int sampleDecrypt,
        int concurrency,
        Duration timeout,
        boolean allowRemote) {

    public GroupBenchOptions {
        require(members >= 2 && members <= 1_500, "--members must be within 2..1500 (the group limit)");
        require(messageRuns >= 1 && messageRuns <= 1_000, "--messages-runs must be within 1..1000");
        require(burst >= 0 && burst <= 10_000, "--burst must be within 0..10000");
        require(burstParallel >= 0 && burstParallel <= 64, "--burst-parallel must be within 0..64");
        require(typing >= 0 && typing <= 1_000, "--typing must be within 0..1000");
        require(sampleDecrypt >= 0 && sampleDecrypt <= members - 1, "--sample-decrypt must be within 0..members-1");
        require(concurrency >= 1 && concurrency <= 256, "--concurrency must be within 1..256");
        require(timeout.toSeconds() >= 1, "--timeout must be at least 1 second");
    }

    /** Devices every group message goes to: every member's but the creator's. */
    public int recipients() {
        return members - 1;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
