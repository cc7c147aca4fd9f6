package io.socialink.gateway.groups;

import io.socialink.gateway.problem.Problem;
import io.socialink.schemas.avro.GroupReply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Turns group-fanout's {@link GroupReply} into the HTTP answer: a 2xx status answers with the endpoint's body; any
 * other status is a problem of the reply's status and {@code problemType}, with its {@code detail}, the group's
 * current {@code epoch} (when the group exists) and the reply's attributes as extension members.
 */
final class GroupReplies {

    static final String DEFAULT_PROBLEM = "group-request-rejected";

    private GroupReplies() {}

    static ResponseEntity<Map<String, Object>> answer(
            GroupReply reply, Function<GroupReply, Map<String, Object>> body) {
        if (reply.getStatus() >= 200 && reply.getStatus() < 300) {
            return ResponseEntity.status(reply.getStatus()).body(body.apply(reply));
        }
        throw problem(reply).toException();
    }

    static Problem problem(GroupReply reply) {
        HttpStatus status = HttpStatus.resolve(reply.getStatus());
        if (status == null || status.is2xxSuccessful() || status.is1xxInformational() || status.is3xxRedirection()) {
            status = HttpStatus.BAD_GATEWAY;
        }
        String name = reply.getProblemType() == null || reply.getProblemType().isBlank()
                ? DEFAULT_PROBLEM
                : reply.getProblemType();
        Problem problem =
                Problem.of(status, name, reply.getDetail() == null ? status.getReasonPhrase() : reply.getDetail());
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (reply.getEpoch() >= 0) {
            extensions.put("epoch", reply.getEpoch());
        }
        if (reply.getAttributes() != null) {
            reply.getAttributes().forEach((key, value) -> extensions.putIfAbsent(key.toString(), value.toString()));
        }
        for (Map.Entry<String, Object> extension : extensions.entrySet()) {
            problem = problem.with(extension.getKey(), extension.getValue());
        }
        return problem;
    }
}
