package io.socialink.gateway.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem: {@code type} is {@code https://socialink.io/problems/<name>}, plus {@code title},
 * {@code status}, {@code detail} and optional extension members (e.g. {@code mismatches}).
 */
public record Problem(HttpStatus status, String name, String detail, Map<String, Object> extensions) {

    public static final String TYPE_PREFIX = "https://socialink.io/problems/";

    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public static Problem of(HttpStatus status, String name, String detail) {
        return new Problem(status, name, detail, Map.of());
    }

    public static Problem badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, "bad-request", detail);
    }

    public static Problem unauthorized(String detail) {
        return of(HttpStatus.UNAUTHORIZED, "unauthorized", detail);
    }

    public static Problem forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "forbidden", detail);
    }

    public static Problem notFound(String detail) {
        return of(HttpStatus.NOT_FOUND, "not-found", detail);
    }

    public static Problem unknownUser(String userId) {
        return of(HttpStatus.NOT_FOUND, "unknown-user", "user " + userId + " has no active device");
    }

    public static Problem payloadTooLarge(String detail) {
        return of(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", detail);
    }

    public static Problem unavailable(String detail) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", detail);
    }

    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new Problem(status, name, detail, more);
    }

    public String type() {
        return TYPE_PREFIX + name;
    }

    /** The JSON body, members in the RFC's order, then the extensions. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type());
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        extensions.forEach(body::putIfAbsent);
        return body;
    }

    public ProblemException toException() {
        return new ProblemException(this);
    }
}
