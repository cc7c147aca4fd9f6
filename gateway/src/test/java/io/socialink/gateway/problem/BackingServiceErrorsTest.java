package io.socialink.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.CannotCreateTransactionException;

/** A backing service that cannot be reached is a 503 the client retries, not a 500. */
class BackingServiceErrorsTest {

    @Test
    void shouldAnswer503WhenATransactionGetsNoConnectionBecauseTheDatabaseHasTooManyClients() {
        // given: what R2dbcTransactionManager raises when Postgres refuses a connection (SQLSTATE 53300)
        Throwable error = new CannotCreateTransactionException(
                "Could not open R2DBC Connection for transaction",
                new R2dbcNonTransientResourceException("sorry, too many clients already", "53300"));

        // when
        Problem problem = ProblemWebExceptionHandler.toProblem(error);

        // then
        assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(problem.name()).isEqualTo("unavailable");
    }

    @Test
    void shouldAnswer503WhenAPooledConnectionFailsItsValidationAfterTheDatabaseRestarted() {
        // given
        Throwable error = new CannotCreateTransactionException(
                "Could not open R2DBC Connection for transaction",
                new R2dbcNonTransientResourceException("Connection validation failed"));

        // when
        Problem problem = ProblemWebExceptionHandler.toProblem(error);

        // then
        assertThat(problem.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void shouldAnswer503ForAnUnreachableServiceAnd500ForAnythingUnexpected() {
        assertThat(ProblemWebExceptionHandler.toProblem(new DataAccessResourceFailureException("down"))
                        .status())
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(ProblemWebExceptionHandler.toProblem(new IllegalStateException("x", new ConnectException()))
                        .status())
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(ProblemWebExceptionHandler.toProblem(new IllegalStateException("a bug"))
                        .status())
                .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(ProblemWebExceptionHandler.toProblem(new IllegalStateException("a bug"))
                        .name())
                .isEqualTo("internal-error");
    }
}
