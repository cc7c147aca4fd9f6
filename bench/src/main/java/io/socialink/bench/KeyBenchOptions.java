package io.socialink.bench;

import java.net.URI;
import java.time.Duration;

/**
 * Parameters of one key directory benchmark run ({@link KeyDirectoryBench}); every phase is bounded by its count
 * and by {@code timeLimit}.
 *
 * @param registrations users registered one after another, for registration latency (they are the fetch targets)
 * @param preKeys       one-time prekeys of each kind per registration
 * @param requesters    devices that fetch bundles
 * @param fetches       bundle fetches in all, spread so each requester → target pair is used as rarely as possible
 * @param concurrency   bundle fetches in flight at most
 * @param messages      encrypted messages timed from encryption on one device to decryption on the other
 */
public record KeyBenchOptions(
        URI server,
        int registrations,
        int preKeys,
        int requesters,
        int fetches,
        int concurrency,
        int messages,
        Duration timeLimit,
        boolean allowRemote) {

    public KeyBenchOptions {
        require(registrations >= 1 && registrations <= 10_000, "--registrations must be within 1..10000");
        require(preKeys >= 0 && preKeys <= 100, "--prekeys must be within 0..100");
        require(requesters >= 1 && requesters <= 1_000, "--requesters must be within 1..1000");
        require(fetches >= 0 && fetches <= 1_000_000, "--fetches must be within 0..1000000");
        require(concurrency >= 1 && concurrency <= 512, "--concurrency must be within 1..512");
        require(messages >= 0 && messages <= 100_000, "--messages must be within 0..100000");
        require(timeLimit.toSeconds() >= 1, "--time-limit must be at least 1 second");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
