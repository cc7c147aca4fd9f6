package io.socialink.schemas.topics;

/**
 * How the pipeline's latency-bound producers (the gateway's events, the Streams apps' outputs and changelogs) batch.
 * A produce request per record cost the producers and the broker more CPU than the records themselves
 * (docs/benchmarks.md, delivery path cost), so a record waits a little for others to share its request. The wait is
 * what each produce hop adds when traffic is light; under load, batches fill before it.
 */
public final class Batching {

    /** How long a produced record may wait for others to share its request ({@code linger.ms}). */
    public static final int LINGER_MS = 5;

    private Batching() {}
}
