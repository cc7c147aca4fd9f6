package io.socialink.bench;

/**
 * The outcome of a {@link GroupFanoutBench} run: the JSON report (figures per phase, per single-message run, the
 * checks) and the same as text lines, as printed while the run went on.
 */
public record GroupBenchReport(String json, String text) {

    public String toJson() {
        return json;
    }

    public String toText() {
        return text;
    }
}
