package io.socialink.gateway.problem;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Ends a request with a {@link Problem} response; thrown or signalled by handlers and rendered as problem+json,
 * with a {@code Retry-After} header when {@link #retryAfter()} is set.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final @Nullable Duration retryAfter;

    public ProblemException(Problem problem) {
        this(problem, null);
    }

    public ProblemException(Problem problem, @Nullable Duration retryAfter) {
        super(problem.name() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public Problem problem() {
        return problem;
    }

    /** How long the client should wait before trying again; null when not applicable. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
