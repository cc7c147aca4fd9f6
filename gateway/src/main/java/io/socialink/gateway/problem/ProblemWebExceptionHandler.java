package io.socialink.gateway.problem;

import java.net.ConnectException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Renders every error that reaches the web layer as problem+json: {@link ProblemException}s as they are, the
 * framework's status exceptions (unknown route, method, media type, unreadable body, body limit) under a stable
 * problem name, unreachable backing services as 503 {@code unavailable}, and anything unexpected as a logged 500
 * without internals in the response. Runs before Spring
 * Boot's default error handler.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ProblemWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);

    private final ProblemWriter writer;

    public ProblemWebExceptionHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        Problem problem = toProblem(error);
        if (problem.status().is5xxServerError() && !(error instanceof ProblemException)) {
            log.error(
                    "{} {} failed",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    error);
        }
        if (error instanceof ProblemException problemException && problemException.retryAfter() != null) {
            long seconds = Math.max(1, (problemException.retryAfter().toMillis() + 999) / 1000);
            exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            exchange.getResponse().getHeaders().setAllow(notAllowed.getSupportedMethods());
        }
        if (error instanceof UnsupportedMediaTypeStatusException unsupported
                && !unsupported.getSupportedMediaTypes().isEmpty()) {
            exchange.getResponse().getHeaders().setAccept(unsupported.getSupportedMediaTypes());
        }
        return writer.write(exchange.getResponse(), problem);
    }

    public static Problem toProblem(Throwable error) {
        if (error instanceof ProblemException problemException) {
            return problemException.problem();
        }
        if (hasCause(error, DataBufferLimitException.class)) {
            return Problem.payloadTooLarge("request body too large");
        }
        if (error instanceof ServerWebInputException input) {
            return Problem.badRequest(inputDetail(input));
        }
        if (error instanceof ResponseStatusException statusException) {
            return fromStatus(statusException.getStatusCode(), statusException.getReason());
        }
        if (hasCause(error, DecodingException.class)) {
            return Problem.badRequest("malformed request body");
        }
        // a transaction that could not begin had no connection: the database refused one (too many clients) or a
        // pooled one failed its validation (the database restarted); nothing was written
        if (hasCause(error, DataAccessResourceFailureException.class)
                || hasCause(error, TransientDataAccessException.class)
                || hasCause(error, CannotCreateTransactionException.class)
                || hasCause(error, ConnectException.class)) {
            return Problem.unavailable("a backing service is unavailable, retry later");
        }
        return Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "unexpected error");
    }

    /** The problem of a status without a more specific cause; {@code reason} is used for 400 only. */
    static Problem fromStatus(HttpStatusCode code, @Nullable String reason) {
        HttpStatus status = HttpStatus.resolve(code.value());
        if (status == null) {
            status = code.is4xxClientError() ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        return switch (status) {
            case NOT_FOUND -> Problem.notFound("no such resource");
            case METHOD_NOT_ALLOWED -> Problem.of(status, "method-not-allowed", "method not allowed here");
            case UNSUPPORTED_MEDIA_TYPE ->
                Problem.of(status, "unsupported-media-type", "content type not supported, send application/json");
            case NOT_ACCEPTABLE -> Problem.of(status, "not-acceptable", "cannot produce an acceptable representation");
            case CONTENT_TOO_LARGE -> Problem.payloadTooLarge("request body too large");
            case URI_TOO_LONG -> Problem.of(status, "uri-too-long", "request line too long");
            case REQUEST_HEADER_FIELDS_TOO_LARGE ->
                Problem.of(status, "headers-too-large", "request headers too large");
            case UNAUTHORIZED -> Problem.unauthorized("missing or bad credentials");
            case FORBIDDEN -> Problem.forbidden("not allowed");
            case BAD_REQUEST -> Problem.badRequest(reason == null ? "bad request" : reason);
            default ->
                status.is5xxServerError()
                        ? Problem.of(
                                status,
                                status == HttpStatus.SERVICE_UNAVAILABLE ? "unavailable" : "internal-error",
                                "unexpected error")
                        : Problem.of(status, "client-error", status.getReasonPhrase());
        };
    }

    /** Names the offending JSON property when the decoder said which, never echoes request content. */
    private static String inputDetail(ServerWebInputException input) {
        Throwable cause = input.getCause();
        while (cause != null) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return "unknown field '" + unknown.getPropertyName() + "'";
            }
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                return "malformed request body at " + jsonPath(jackson);
            }
            cause = cause.getCause();
        }
        return input.getReason() != null && input.getReason().startsWith("No request body")
                ? "request body is required"
                : "malformed request body";
    }

    private static String jsonPath(JacksonException jackson) {
        StringBuilder path = new StringBuilder("$");
        for (JacksonException.Reference reference : jackson.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append('.').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
