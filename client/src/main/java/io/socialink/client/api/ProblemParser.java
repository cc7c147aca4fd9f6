package io.socialink.client.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Turns an error response into a {@link ProblemException}, tolerating bodies that are not problem JSON. */
public final class ProblemParser {

    private static final int MAX_DETAIL_CHARS = 500;

    private final JsonMapper mapper;

    public ProblemParser(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public ProblemException parse(int status, byte @Nullable [] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        JsonNode json = readObject(text);
        if (json == null) {
            return new ProblemException(status, null, defaultTitle(status), abbreviate(text.strip()));
        }
        return new ProblemException(
                json.path("status").asInt(status),
                textOrNull(json.get("type")),
                json.hasNonNull("title") ? json.get("title").asString() : defaultTitle(status),
                textOrNull(json.get("detail")),
                mismatches(json.path("mismatches")),
                stale(json.path("stale")),
                json.path("epoch").isIntegralNumber() ? json.get("epoch").asLong() : null);
    }

    private @Nullable JsonNode readObject(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static List<DeviceMismatch> mismatches(JsonNode array) {
        List<DeviceMismatch> result = new ArrayList<>();
        for (JsonNode item : array) {
            result.add(new DeviceMismatch(
                    item.path("userId").asString(),
                    ints(item.path("missingDevices")),
                    ints(item.path("extraDevices"))));
        }
        return result;
    }

    private static List<StaleDevices> stale(JsonNode array) {
        List<StaleDevices> result = new ArrayList<>();
        for (JsonNode item : array) {
            result.add(new StaleDevices(item.path("userId").asString(), ints(item.path("staleDevices"))));
        }
        return result;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> result = new ArrayList<>();
        for (JsonNode item : array) {
            result.add(item.asInt());
        }
        return result;
    }

    private static @Nullable String textOrNull(@Nullable JsonNode node) {
        return node == null || node.isNull() ? null : node.asString();
    }

    private static @Nullable String abbreviate(String text) {
        if (text.isEmpty()) {
            return null;
        }
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
    }

    private static String defaultTitle(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "HTTP " + status;
        };
    }
}
