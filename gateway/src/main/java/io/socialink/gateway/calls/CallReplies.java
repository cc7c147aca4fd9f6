package io.socialink.gateway.calls;

import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.CallReply;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Turns call-signaling's {@link CallReply} into the HTTP answer: a 2xx status answers with the endpoint's body (built
 * from the reply's state, outcome and attributes); any other status is a problem of the reply's status and
 * {@code problemType} (unknown-call, not-in-call, call-not-ringing, ...) with its {@code detail}, the call's
 * {@code state} and {@code outcome} when known, and the reply's attributes as extension members.
 */
final class CallReplies {

    static final String DEFAULT_PROBLEM = "call-request-rejected";

    private CallReplies() {}

    static boolean accepted(CallReply reply) {
        return reply.getStatus() >= 200 && reply.getStatus() < 300;
    }

    /** The reply as its problem; a refusal without a usable 4xx/5xx status counts as the service's fault (502). */
    static Problem problem(CallReply reply) {
        HttpStatus status = HttpStatus.resolve(reply.getStatus());
        if (status == null || !(status.is4xxClientError() || status.is5xxServerError())) {
            status = HttpStatus.BAD_GATEWAY;
        }
        String name = reply.getProblemType() == null || reply.getProblemType().isBlank()
                ? DEFAULT_PROBLEM
                : reply.getProblemType();
        Problem problem =
                Problem.of(status, name, reply.getDetail() == null ? status.getReasonPhrase() : reply.getDetail());
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (reply.getState() != null) {
            extensions.put("state", reply.getState());
        }
        if (reply.getOutcome() != null) {
            extensions.put("outcome", reply.getOutcome());
        }
        if (reply.getAttributes() != null) {
            reply.getAttributes().forEach(extensions::putIfAbsent);
        }
        for (Map.Entry<String, Object> extension : extensions.entrySet()) {
            problem = problem.with(extension.getKey(), extension.getValue());
        }
        return problem;
    }

    /** {@code {"callId", "state"}} and the outcome once ended. */
    static Map<String, Object> state(String callId, CallReply reply) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("callId", callId);
        body.put("state", reply.getState());
        if (reply.getOutcome() != null) {
            body.put("outcome", reply.getOutcome());
        }
        return body;
    }

    /** A numeric attribute of the reply (epoch millis, a duration, a sequence number); null when absent. */
    static @Nullable Long number(CallReply reply, String name) {
        String value =
                reply.getAttributes() == null ? null : reply.getAttributes().get(name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
