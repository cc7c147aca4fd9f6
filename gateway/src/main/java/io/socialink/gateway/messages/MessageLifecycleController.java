package io.socialink.gateway.messages;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.Problem;
import io.socialink.gateway.status.StatusRepository;
import io.socialink.gateway.status.StatusRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Receipts ({@code PUT delivered|read}), the conversation timeline (metadata only, from the status projection) and
 * deletes of the message API. Every path names the authenticated user (403 otherwise).
 */
@RestController
public class MessageLifecycleController {

    public static final int MAX_PAGE = 100;
    public static final int DEFAULT_PAGE = 50;

    private final MessageLifecycleService lifecycle;
    private final StatusRepository status;

    public MessageLifecycleController(MessageLifecycleService lifecycle, StatusRepository status) {
        this.lifecycle = lifecycle;
        this.status = status;
    }

    @PutMapping("/api/v1/messages/delivered/{userId}/{messageId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> delivered(
            @PathVariable String userId,
            @PathVariable String messageId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireUser(device, userId);
        return lifecycle.delivered(device, Principals.messageId(messageId));
    }

    @PutMapping("/api/v1/messages/read/{userId}/{messageId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> read(
            @PathVariable String userId,
            @PathVariable String messageId,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireUser(device, userId);
        return lifecycle.read(device, Principals.messageId(messageId));
    }

    @DeleteMapping("/api/v1/messages/delete/{userId}/{messageId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> delete(
            @PathVariable String userId,
            @PathVariable String messageId,
            @RequestParam(name = "for", defaultValue = "everyone") String scope,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireUser(device, userId);
        String id = Principals.messageId(messageId);
        return switch (scope) {
            case "everyone" -> lifecycle.deleteForEveryone(device, id);
            case "me" -> lifecycle.deleteForMe(device, id);
            default -> throw Problem.badRequest("'for' must be everyone or me").toException();
        };
    }

    @GetMapping(path = "/api/v1/messages/conversation/{userId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<Map<String, Object>> conversation(
            @PathVariable String userId,
            @RequestParam(name = "with", required = false) String with,
            @RequestParam(name = "before", required = false) String before,
            @RequestParam(name = "limit", required = false) String limit,
            @AuthenticationPrincipal(errorOnInvalidType = true) DeviceAddress device) {
        Principals.requireUser(device, userId);
        if (!DeviceAddress.isValidUserId(with)) {
            throw Problem.badRequest("'with' must be a user id").toException();
        }
        int pageSize = parse(limit, DEFAULT_PAGE, 1, MAX_PAGE, "limit");
        long beforeMillis = parse(before, Long.MAX_VALUE, 1, Long.MAX_VALUE, "before");
        // a far-future cursor reads as "now and everything sent so far"; Postgres timestamps end in year 294276
        Instant cursor = beforeMillis == Long.MAX_VALUE
                ? Instant.now().plusSeconds(3600)
                : Instant.ofEpochMilli(
                        Math.min(beforeMillis, Instant.now().plusSeconds(3600).toEpochMilli()));
        return status.conversation(userId, with, cursor, pageSize)
                .collectList()
                .map(rows -> page(userId, with, rows, pageSize));
    }

    private static Map<String, Object> page(String userId, String with, List<StatusRow> rows, int pageSize) {
        Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
        for (StatusRow row : rows) {
            Map<String, Object> message = messages.computeIfAbsent(row.messageId(), id -> {
                Map<String, Object> created = new LinkedHashMap<>();
                created.put("messageId", id);
                created.put("sender", Map.of("userId", row.senderUserId(), "deviceId", row.senderDeviceId()));
                created.put("sentAt", millis(row.sentAt()));
                created.put("expiresAt", millis(row.expiresAt()));
                created.put("deleted", false);
                created.put("recipients", new ArrayList<Map<String, Object>>());
                return created;
            });
            if (row.deletedAt() != null) {
                message.put("deleted", true);
            }
            Map<String, Object> recipient = new LinkedHashMap<>();
            recipient.put("userId", row.recipientUserId());
            recipient.put("deviceId", row.recipientDeviceId());
            recipient.put("status", row.status());
            recipient.put("deliveredAt", millis(row.deliveredAt()));
            recipient.put("readAt", millis(row.readAt()));
            recipient.put("dropReason", row.dropReason());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> recipients =
                    (List<Map<String, Object>>) Objects.requireNonNull(message.get("recipients"));
            recipients.add(recipient);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", userId);
        body.put("with", with);
        body.put("messages", List.copyOf(messages.values()));
        Object last = messages.isEmpty()
                ? null
                : List.copyOf(messages.values()).get(messages.size() - 1).get("sentAt");
        body.put("nextBefore", messages.size() == pageSize ? last : null);
        return body;
    }

    private static @Nullable Long millis(@Nullable Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static long parse(String text, long fallback, long min, long max, String name) {
        if (text == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest("'" + name + "' must be an integer in " + min + ".." + max)
                .toException();
    }

    private static int parse(String text, int fallback, int min, int max, String name) {
        return (int) parse(text, (long) fallback, min, max, name);
    }
}
