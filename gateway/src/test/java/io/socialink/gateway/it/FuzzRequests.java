package io.socialink.gateway.it;

import io.socialink.gateway.it.OpenApiDocument.Operation;
import io.socialink.gateway.it.OpenApiDocument.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates requests for the operations of the OpenAPI document from their paths, parameters and body schemas:
 * mostly well-formed values (the victim's and the caller's real ids among them) with wrong types, missing and extra
 * fields, bad base64, invalid UTF-8, control characters, oversized values, path tricks, odd methods, Content-Types and
 * credentials mixed in. Everything is built from jqwik combinators, so a failing request shrinks. The caller's device
 * id is the placeholder {@link #CALLER_DEVICE}: it is filled in when the request is sent, since the caller may have
 * to register anew.
 */
final class FuzzRequests {

    static final String CALLER_DEVICE = "@CALLER_DEVICE@";
    private static final String USER_PATTERN = "^[A-Za-z0-9_-]{1,64}$";
    private static final Set<String> USER_PARAMETERS =
            Set.of("userId", "senderId", "creatorId", "addedBy", "committerId", "removedBy", "callerId", "with");
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    /** Who sends the request. */
    enum Caller {
        /** The attacker's device (or its platform JWT where the operation takes one). */
        ATTACKER,
        NONE,
        BAD_SECRET,
        /** The attacker's platform JWT where a device is expected, and the other way round. */
        SWAPPED_SCHEME,
        /** A malformed Authorization header, see {@link FuzzCase#malformedAuthorization()}. */
        MALFORMED
    }

    /** One request; {@code labels} name the mutations it carries. */
    record FuzzCase(
            Operation operation,
            String method,
            Caller caller,
            String malformedAuthorization,
            String target,
            List<String> headers,
            byte[] body,
            List<String> labels) {

        boolean names(String text) {
            return target.contains(text) || body != null && new String(body, StandardCharsets.UTF_8).contains(text);
        }

        @Override
        public String toString() {
            return method + " " + abbreviate(target) + " (operation " + operation + ") as " + caller
                    + (caller == Caller.MALFORMED ? " [" + abbreviate(malformedAuthorization) + "]" : "")
                    + " headers " + headers + " body "
                    + (body == null ? "none" : body.length + " bytes: " + abbreviate(printable(body))) + " labels "
                    + labels;
        }
    }

    private final String attacker;
    private final String victim;
    private final int victimDevice;
    private final String victimMessage;
    private final String victimGroup;
    private final Set<String> victimExcluded;

    /**
     * @param victimExcluded operations that may by design consume another user's one-time keys (bundle fetches,
     *                       KeyPackage claims): the victim's id is never offered to them
     */
    FuzzRequests(CrossUserWorld world, Set<String> victimExcluded) {
        this.attacker = world.attacker.userId();
        this.victim = world.victim.userId();
        this.victimDevice = world.victim.deviceId();
        this.victimMessage = world.victimMessageId;
        this.victimGroup = world.victimGroupId;
        this.victimExcluded = victimExcluded;
    }

    /** Built once per operation: jqwik calls the flatMap function for every try. */
    private final Map<Operation, Arbitrary<FuzzCase>> perOperation = new java.util.concurrent.ConcurrentHashMap<>();

    Arbitrary<FuzzCase> cases(List<Operation> operations) {
        return Arbitraries.of(operations).flatMap(operation -> perOperation.computeIfAbsent(operation, this::cases));
    }

    private Arbitrary<FuzzCase> cases(Operation operation) {
        boolean victimAllowed = !victimExcluded.contains(operation.key());
        Arbitrary<Labeled> target = target(operation, victimAllowed);
        Arbitrary<Labeled> body = body(operation, victimAllowed);
        return Combinators.combine(
                        method(operation),
                        caller(),
                        malformedAuthorization(),
                        target,
                        contentType(operation),
                        extraHeader(),
                        body)
                .as((method, caller, malformed, path, contentType, header, payload) -> {
                    List<String> headers = new ArrayList<>();
                    if (!contentType.text().isEmpty()) {
                        headers.add("Content-Type: " + contentType.text());
                    }
                    if (!header.text().isEmpty()) {
                        headers.add(header.text());
                    }
                    List<String> labels = new ArrayList<>();
                    labels.addAll(path.labels());
                    labels.addAll(contentType.labels());
                    labels.addAll(header.labels());
                    labels.addAll(payload.labels());
                    byte[] bytes = payload.text() == null ? null : payload.bytes();
                    return new FuzzCase(
                            operation,
                            method,
                            caller,
                            malformed,
                            path.text(),
                            List.copyOf(headers),
                            bytes,
                            List.copyOf(labels));
                });
    }

    /** A generated piece with the mutations it carries; {@code raw} overrides the UTF-8 bytes of {@code text}. */
    record Labeled(String text, List<String> labels, byte[] raw) {

        static Labeled plain(String text) {
            return new Labeled(text, List.of(), null);
        }

        static Labeled of(String text, String label) {
            return new Labeled(text, List.of(label), null);
        }

        byte[] bytes() {
            return raw != null ? raw : text.getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---- method, caller, headers

    private static Arbitrary<String> method(Operation operation) {
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(operation.method())),
                Tuple.of(2, Arbitraries.of("GET", "POST", "PUT", "DELETE")),
                Tuple.of(1, Arbitraries.of("HEAD", "OPTIONS", "PATCH", "TRACE", "BREW", "get")));
    }

    private static Arbitrary<Caller> caller() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Caller.ATTACKER)),
                Tuple.of(3, Arbitraries.just(Caller.NONE)),
                Tuple.of(1, Arbitraries.just(Caller.BAD_SECRET)),
                Tuple.of(1, Arbitraries.just(Caller.SWAPPED_SCHEME)),
                Tuple.of(1, Arbitraries.just(Caller.MALFORMED)));
    }

    private Arbitrary<String> malformedAuthorization() {
        return Arbitraries.of(
                "Basic",
                "Basic !!!",
                "Basic " + b64("no-colon"),
                "Basic " + b64(attacker + ".x:s"),
                "Basic " + b64(attacker + ".99999999999:s"),
                "Basic " + b64(":"),
                "Bearer",
                "Bearer a.b.c",
                "Bearer " + "A".repeat(9000),
                "Digest x",
                "basic " + b64(attacker + ".1:s"),
                "Basic " + b64("é.1:\u0000"));
    }

    private static Arbitrary<Labeled> extraHeader() {
        return Arbitraries.frequencyOf(
                Tuple.of(24, Arbitraries.just(Labeled.plain(""))),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                        "Accept: text/html",
                                        "Accept: application/xml",
                                        "Accept: */*;q=0",
                                        "Content-Encoding: gzip",
                                        "Expect: 100-continue",
                                        "Accept-Charset: utf-16",
                                        "X-Forwarded-Prefix: /evil",
                                        "Transfer-Encoding: identity")
                                .map(h -> Labeled.of(h, "header"))));
    }

    private static Arbitrary<Labeled> contentType(Operation operation) {
        Arbitrary<Labeled> odd = Arbitraries.of(
                        "",
                        "text/plain",
                        "application/json; charset=ISO-8859-1",
                        "application/json; charset=bogus",
                        "application/problem+json",
                        "application/xml",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x",
                        "application/json;;;",
                        "*/*",
                        "invalid",
                        "application/json; charset=utf-16",
                        "APPLICATION/JSON",
                        "application/json\u0001")
                .map(type -> Labeled.of(type, "content-type"));
        int json = operation.body() == null ? 1 : 12;
        int none = operation.body() == null ? 12 : 0;
        return Arbitraries.frequencyOf(
                Tuple.of(json, Arbitraries.just(Labeled.plain("application/json"))),
                Tuple.of(none, Arbitraries.just(Labeled.plain(""))),
                Tuple.of(2, odd));
    }

    // ---- path and query

    private Arbitrary<Labeled> target(Operation operation, boolean victimAllowed) {
        List<Arbitrary<Labeled>> parts = new ArrayList<>();
        for (Parameter parameter : operation.pathParameters()) {
            parts.add(pathValue(parameter, victimAllowed));
        }
        for (Parameter parameter : operation.queryParameters()) {
            parts.add(queryValue(parameter, victimAllowed));
        }
        Arbitrary<Labeled> extraQuery = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(Labeled.plain(""))),
                Tuple.of(
                        1,
                        Arbitraries.of("zz=1", "zz", "=", "a=%zz", "a=%00", "a=é", "a=" + "q".repeat(10_000))
                                .map(query -> Labeled.of(query, "query"))));
        Arbitrary<List<Labeled>> values = parts.isEmpty()
                ? Arbitraries.just(List.of())
                : Combinators.combine(parts).as(List::copyOf);
        return Combinators.combine(values, extraQuery, pathTrick()).as((filled, extra, trick) -> {
            String path = operation.path();
            List<String> labels = new ArrayList<>();
            List<String> query = new ArrayList<>();
            int i = 0;
            for (Parameter parameter : operation.pathParameters()) {
                Labeled value = filled.get(i++);
                path = path.replace("{" + parameter.name() + "}", value.text());
                labels.addAll(value.labels());
            }
            for (Parameter parameter : operation.queryParameters()) {
                Labeled value = filled.get(i++);
                if (value.text() != null) {
                    query.add(parameter.name() + "=" + value.text());
                }
                labels.addAll(value.labels());
            }
            if (!extra.text().isEmpty()) {
                query.add(extra.text());
                labels.addAll(extra.labels());
            }
            String target = trick.apply(path, query.isEmpty() ? "" : "?" + String.join("&", query));
            labels.addAll(trick.labels());
            return new Labeled(target, List.copyOf(labels), null);
        });
    }

    /** A change of the whole request target. */
    record Trick(String name, int kind) {

        String apply(String path, String query) {
            return switch (kind) {
                case 0 -> path + query;
                case 1 -> path.replaceFirst("/api/", "/api/x/../") + query;
                case 2 -> path.replaceFirst("/v1/", "/v1/./") + query;
                case 3 -> path.replaceFirst("/api/", "//api/") + query;
                case 4 -> path + "/" + query;
                case 5 -> path + ";jsessionid=1" + query;
                case 6 ->
                    path.substring(0, path.lastIndexOf('/')) + "%2F" + path.substring(path.lastIndexOf('/') + 1)
                            + query;
                case 7 -> path + "/" + "a".repeat(70_000) + query;
                case 8 -> path.toUpperCase(java.util.Locale.ROOT) + query;
                case 9 -> path.replaceFirst("/api/", "/%61pi/") + query;
                case 10 -> "http://127.0.0.1" + path + query;
                case 11 -> path + query + "#fragment";
                case 12 -> path + "%00" + query;
                case 13 -> path.replaceFirst("/api/", "/api;v=1/") + query;
                case 14 -> path + "/%2e%2e" + query;
                case 15 -> path + query + (query.isEmpty() ? "?" : "&") + "q=" + "x".repeat(9_000);
                default -> throw new IllegalStateException("no trick " + kind);
            };
        }

        List<String> labels() {
            return kind == 0 ? List.of() : List.of("path:" + name);
        }
    }

    private static Arbitrary<Trick> pathTrick() {
        List<Trick> tricks = List.of(
                new Trick("dot-segment", 1),
                new Trick("dot", 2),
                new Trick("double-slash", 3),
                new Trick("trailing-slash", 4),
                new Trick("semicolon", 5),
                new Trick("encoded-slash", 6),
                new Trick("very-long", 7),
                new Trick("upper-case", 8),
                new Trick("encoded-letter", 9),
                new Trick("absolute-form", 10),
                new Trick("fragment", 11),
                new Trick("encoded-nul", 12),
                new Trick("matrix-param", 13),
                new Trick("encoded-dot-segment", 14),
                new Trick("long-query", 15));
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(new Trick("none", 0))), Tuple.of(6, Arbitraries.of(tricks)));
    }

    private Arbitrary<Labeled> pathValue(Parameter parameter, boolean victimAllowed) {
        Arbitrary<Labeled> value;
        Map<String, Object> schema = parameter.schema();
        if (USER_PARAMETERS.contains(parameter.name()) || USER_PATTERN.equals(schema.get("pattern"))) {
            value = userId(victimAllowed).map(Labeled::plain);
        } else if ("integer".equals(schema.get("type"))) {
            value = Arbitraries.frequencyOf(
                    Tuple.of(5, Arbitraries.just(Labeled.plain(CALLER_DEVICE))),
                    Tuple.of(victimAllowed ? 2 : 0, Arbitraries.just(Labeled.plain(Integer.toString(victimDevice)))),
                    Tuple.of(
                            2,
                            Arbitraries.of(
                                            "0",
                                            "-1",
                                            "2147483648",
                                            "99999999999999999999",
                                            "abc",
                                            "1.0",
                                            "+1",
                                            "01",
                                            "%31",
                                            "\u0661",
                                            "1e0",
                                            " 1")
                                    .map(text -> Labeled.of(text, "bad-int"))));
        } else if ("uuid".equals(schema.get("format"))) {
            value = Arbitraries.frequencyOf(
                    Tuple.of(victimAllowed ? 3 : 0, Arbitraries.just(Labeled.plain(victimMessage))),
                    Tuple.of(2, Arbitraries.create(UUID::randomUUID).map(id -> Labeled.plain(id.toString()))),
                    Tuple.of(
                            1,
                            Arbitraries.of(
                                            victimMessage.toUpperCase(java.util.Locale.ROOT),
                                            "not-a-uuid",
                                            "00000000-0000-0000-0000-00000000000g",
                                            "{" + victimMessage + "}")
                                    .map(text -> Labeled.of(text, "bad-uuid"))));
        } else if (parameter.name().toLowerCase(java.util.Locale.ROOT).contains("group")) {
            value = Arbitraries.frequencyOf(
                    Tuple.of(victimAllowed ? 3 : 0, Arbitraries.just(Labeled.plain(victimGroup))),
                    Tuple.of(
                            2,
                            Arbitraries.strings()
                                    .withChars(ID_CHARS)
                                    .ofMinLength(2)
                                    .ofMaxLength(86)
                                    .map(Labeled::plain)));
        } else {
            value = Arbitraries.strings()
                    .withChars(ID_CHARS)
                    .ofMinLength(1)
                    .ofMaxLength(20)
                    .map(Labeled::plain);
        }
        return Arbitraries.frequencyOf(Tuple.of(12, value), Tuple.of(2, weirdSegment()));
    }

    private static Arbitrary<Labeled> weirdSegment() {
        return Arbitraries.of(
                        "",
                        ".",
                        "..",
                        "%2e%2e",
                        "a%2Fb",
                        "a/b",
                        "x;y=1",
                        ";",
                        "%00",
                        "%zz",
                        "%",
                        "%C3%A9",
                        "é",
                        "%C3%28",
                        "%F0%9F%98%80",
                        "\uD83D\uDE00",
                        "a%20b",
                        "a b",
                        "+",
                        "~",
                        "%2F%2F",
                        "\\",
                        "%5C",
                        "%3F",
                        "%23",
                        "\u0000",
                        "\u007f",
                        "a".repeat(5_000),
                        "%FF%FE",
                        "\u202Eabc",
                        "null",
                        "undefined",
                        "%u0041",
                        "..%2F..%2F",
                        "*")
                .map(text -> Labeled.of(text, "path-segment"));
    }

    private Arbitrary<Labeled> queryValue(Parameter parameter, boolean victimAllowed) {
        Arbitrary<Labeled> valid = scalarText(parameter.schema(), victimAllowed).map(Labeled::plain);
        Arbitrary<Labeled> bad = Arbitraries.of(
                        "",
                        "abc",
                        "-1",
                        "0",
                        "1.5",
                        "9223372036854775808",
                        "%zz",
                        "é",
                        "%00",
                        "1&" + parameter.name() + "=2",
                        "a".repeat(3_000))
                .map(text -> Labeled.of(text, "bad-query"));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(new Labeled(null, List.of(), null))),
                Tuple.of(4, valid),
                Tuple.of(2, bad));
    }

    private Arbitrary<String> scalarText(Map<String, Object> schema, boolean victimAllowed) {
        if (schema.get("enum") instanceof List<?> values) {
            return Arbitraries.of(values.stream().map(String::valueOf).toList());
        }
        if (USER_PATTERN.equals(schema.get("pattern"))) {
            return userId(victimAllowed);
        }
        if ("integer".equals(schema.get("type"))) {
            long min = schema.get("minimum") instanceof Number n ? n.longValue() : -1000;
            long max = schema.get("maximum") instanceof Number n ? n.longValue() : 1_000_000_000_000L;
            return Arbitraries.longs()
                    .between(min - 1, Math.min(max, Long.MAX_VALUE - 1) + 1)
                    .map(value -> Long.toString(value));
        }
        return Arbitraries.strings().withChars(ID_CHARS).ofMaxLength(20);
    }

    private Arbitrary<String> userId(boolean victimAllowed) {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(attacker)),
                Tuple.of(victimAllowed ? 4 : 0, Arbitraries.just(victim)),
                Tuple.of(
                        1,
                        Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64)));
    }

    // ---- bodies

    private Arbitrary<Labeled> body(Operation operation, boolean victimAllowed) {
        if (operation.body() == null) {
            return Arbitraries.frequencyOf(
                    Tuple.of(12, Arbitraries.just(new Labeled(null, List.of(), null))),
                    Tuple.of(1, Arbitraries.of("{}", "[]", "x").map(text -> Labeled.of(text, "unexpected-body"))),
                    Tuple.of(1, rawBody()));
        }
        Arbitrary<String> json = json(operation.body(), victimAllowed, 0);
        return Arbitraries.frequencyOf(
                Tuple.of(operation.bodyRequired() ? 0 : 2, Arbitraries.just(new Labeled(null, List.of(), null))),
                Tuple.of(16, json.map(Labeled::plain)),
                Tuple.of(2, json.flatMap(FuzzRequests::encodingMutation)),
                Tuple.of(2, rawBody()));
    }

    /** The JSON with invalid UTF-8, raw control characters, a byte order mark or in another encoding. */
    private static Arbitrary<Labeled> encodingMutation(String json) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        int quote = Math.max(0, json.indexOf('"') + 1);
        int at = new String(json.substring(0, quote)).getBytes(StandardCharsets.UTF_8).length;
        return Arbitraries.of(
                new Labeled(json, List.of("body:invalid-utf8"), splice(utf8, at, new byte[] {(byte) 0xC3, 0x28})),
                new Labeled(json, List.of("body:lone-continuation"), splice(utf8, at, new byte[] {(byte) 0x80})),
                new Labeled(
                        json, List.of("body:overlong-utf8"), splice(utf8, at, new byte[] {(byte) 0xC0, (byte) 0xAF})),
                new Labeled(json, List.of("body:raw-control"), splice(utf8, at, new byte[] {0x01, 0x0A, 0x00})),
                new Labeled(
                        json, List.of("body:bom"), splice(utf8, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})),
                new Labeled(json, List.of("body:utf16"), json.getBytes(StandardCharsets.UTF_16)),
                new Labeled(json, List.of("body:truncated"), java.util.Arrays.copyOf(utf8, utf8.length / 2)));
    }

    private static byte[] splice(byte[] bytes, int at, byte[] insert) {
        byte[] result = new byte[bytes.length + insert.length];
        System.arraycopy(bytes, 0, result, 0, at);
        System.arraycopy(insert, 0, result, at, insert.length);
        System.arraycopy(bytes, at, result, at + insert.length, bytes.length - at);
        return result;
    }

    private static Arbitrary<Labeled> rawBody() {
        Arbitrary<Labeled> fixed = Arbitraries.of(
                        "",
                        "{",
                        "}",
                        "[]",
                        "null",
                        "\"s\"",
                        "{\"a\":}",
                        "{'a':1}",
                        "{\"a\":1,}",
                        "1",
                        "true",
                        "{\"a\":1}{\"b\":2}",
                        "[".repeat(5_000) + "]".repeat(5_000),
                        "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000),
                        "1" + "0".repeat(100_000),
                        "\"" + "\\u0000".repeat(1000) + "\"",
                        "{\"\\ud800\":\"\\udfff\"}")
                .map(text -> Labeled.of(text, "body:raw"));
        Arbitrary<Labeled> garbage = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(64)
                .map(bytes -> new Labeled("", List.of("body:garbage"), bytes));
        Arbitrary<Labeled> huge = Arbitraries.of(1_100_000, 4_300_000)
                .map(size -> Labeled.of("{\"x\":\"" + "A".repeat(size) + "\"}", "body:huge"));
        return Arbitraries.frequencyOf(Tuple.of(8, fixed), Tuple.of(3, garbage), Tuple.of(1, huge));
    }

    /** JSON text for {@code schema}: mostly of its type and within it, sometimes of another type or null. */
    private Arbitrary<String> json(Map<String, Object> schema, boolean victimAllowed, int depth) {
        return Arbitraries.frequencyOf(
                Tuple.of(16, typed(schema, victimAllowed, depth)),
                Tuple.of(1, wrongType()),
                Tuple.of(1, Arbitraries.just("null")));
    }

    private Arbitrary<String> typed(Map<String, Object> schema, boolean victimAllowed, int depth) {
        if (schema.get("enum") instanceof List<?> values) {
            List<String> encoded = values.stream()
                    .map(value -> value instanceof String text ? quote(text) : String.valueOf(value))
                    .toList();
            return Arbitraries.frequencyOf(
                    Tuple.of(6, Arbitraries.of(encoded)), Tuple.of(1, Arbitraries.of("\"other\"", "0", "2", "-1")));
        }
        Object type = schema.get("type");
        if (type instanceof List<?> types) {
            type = types.stream()
                    .filter(candidate -> !"null".equals(candidate))
                    .findFirst()
                    .orElse(null);
        }
        if (type == null && schema.containsKey("properties")) {
            type = "object";
        }
        if (type == null) {
            return wrongType();
        }
        return switch ((String) type) {
            case "object" -> object(schema, victimAllowed, depth);
            case "array" -> array(schema, victimAllowed, depth);
            case "string" -> string(schema, victimAllowed);
            case "integer" -> integer(schema);
            case "number" -> Arbitraries.of("0", "1.5", "-1e308", "1e400", "NaN");
            case "boolean" ->
                Arbitraries.frequencyOf(
                        Tuple.of(6, Arbitraries.of("true", "false")),
                        Tuple.of(1, Arbitraries.of("\"true\"", "0", "1", "\"yes\"")));
            default -> wrongType();
        };
    }

    private Arbitrary<String> object(Map<String, Object> schema, boolean victimAllowed, int depth) {
        Map<String, Object> properties = OpenApiDocument.map(schema.get("properties"));
        List<Object> required = OpenApiDocument.list(schema.get("required"));
        List<Arbitrary<String>> members = new ArrayList<>();
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            Arbitrary<String> member = json(OpenApiDocument.map(property.getValue()), victimAllowed, depth + 1)
                    .map(value -> quote(property.getKey()) + ":" + value);
            boolean mandatory = required.contains(property.getKey());
            members.add(Arbitraries.frequencyOf(
                    Tuple.of(mandatory ? 14 : 3, member), Tuple.of(mandatory ? 1 : 2, Arbitraries.just(""))));
        }
        String first =
                properties.isEmpty() ? "a" : properties.keySet().iterator().next();
        Arbitrary<String> extra = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just("")),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "\"zz\":1",
                                "\"\":null",
                                quote("\u00e9\u0000k") + ":\"x\"",
                                quote(first) + ":true",
                                "\"__proto__\":{}",
                                "\"" + "k".repeat(5_000) + "\":1")));
        Arbitrary<List<String>> all = members.isEmpty()
                ? Arbitraries.just(List.of())
                : Combinators.combine(members).as(List::copyOf);
        return Combinators.combine(all, extra).as((values, more) -> {
            List<String> present = new ArrayList<>(
                    values.stream().filter(value -> !value.isEmpty()).toList());
            if (!more.isEmpty()) {
                present.add(more);
            }
            return "{" + String.join(",", present) + "}";
        });
    }

    private Arbitrary<String> array(Map<String, Object> schema, boolean victimAllowed, int depth) {
        Map<String, Object> items = OpenApiDocument.map(schema.get("items"));
        Arbitrary<String> item = depth > 4 ? wrongType() : json(items, victimAllowed, depth + 1);
        Arbitrary<String> small = item.list().ofMaxSize(3).map(values -> "[" + String.join(",", values) + "]");
        int maxItems = schema.get("maxItems") instanceof Number n ? n.intValue() : 100;
        Arbitrary<String> overfull =
                item.map(value -> "[" + String.join(",", java.util.Collections.nCopies(maxItems + 1, value)) + "]");
        return Arbitraries.frequencyOf(Tuple.of(12, small), Tuple.of(1, overfull));
    }

    private Arbitrary<String> string(Map<String, Object> schema, boolean victimAllowed) {
        if ("byte".equals(schema.get("format")) || "base64".equals(schema.get("contentEncoding"))) {
            return base64().map(FuzzRequests::quote);
        }
        if (USER_PATTERN.equals(schema.get("pattern"))) {
            return Arbitraries.frequencyOf(
                            Tuple.of(10, userId(victimAllowed)),
                            Tuple.of(1, Arbitraries.of("", "a b", "é", "a".repeat(65), "../x")))
                    .map(FuzzRequests::quote);
        }
        if (schema.get("pattern") != null) {
            return Arbitraries.frequencyOf(
                            Tuple.of(victimAllowed ? 3 : 0, Arbitraries.just(victimGroup)),
                            Tuple.of(
                                    3,
                                    Arbitraries.strings()
                                            .withChars(ID_CHARS)
                                            .ofMinLength(2)
                                            .ofMaxLength(86)),
                            Tuple.of(1, Arbitraries.of("", "=", "a", "+/+/", "x".repeat(87))))
                    .map(FuzzRequests::quote);
        }
        if ("uuid".equals(schema.get("format"))) {
            return Arbitraries.create(UUID::randomUUID).map(id -> quote(id.toString()));
        }
        int min = schema.get("minLength") instanceof Number n ? n.intValue() : 0;
        int max = schema.get("maxLength") instanceof Number n ? n.intValue() : 64;
        return Arbitraries.frequencyOf(
                        Tuple.of(
                                8,
                                Arbitraries.strings()
                                        .withChars(ID_CHARS)
                                        .ofMinLength(min)
                                        .ofMaxLength(max)),
                        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(20)),
                        Tuple.of(
                                1,
                                Arbitraries.of(
                                        "",
                                        "x".repeat(max + 1),
                                        "y".repeat(100_000),
                                        "\u0000",
                                        "\u202E",
                                        "\uD83D\uDE00")))
                .map(FuzzRequests::quote);
    }

    private static Arbitrary<String> base64() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        40,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(48).map(bytes -> Base64.getEncoder()
                                .encodeToString(bytes))),
                Tuple.of(
                        10,
                        Arbitraries.of(
                                "!!!!", "QUI", "QU=I", "-_-_", "AA AA", "AA\nAA", "====", "\u0000", "QUJD\u00e9")),
                Tuple.of(1, Arbitraries.of(140_000, 2_200_000).map(size -> "A".repeat(size))));
    }

    private static Arbitrary<String> integer(Map<String, Object> schema) {
        long min = schema.get("minimum") instanceof Number n ? n.longValue() : -1_000_000;
        long max = schema.get("maximum") instanceof Number n ? n.longValue() : 1_000_000_000L;
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(min, max).map(value -> Long.toString(value))),
                Tuple.of(
                        2,
                        Arbitraries.of(
                                Long.toString(min - 1),
                                Long.toString(max + 1),
                                "9223372036854775808",
                                "-9223372036854775809",
                                "1.5",
                                "1e3",
                                "-0",
                                "\"5\"",
                                "0x10",
                                "1" + "0".repeat(400))));
    }

    private static Arbitrary<String> wrongType() {
        return Arbitraries.of("\"str\"", "123", "-1.5e10", "true", "[]", "{}", "[1,\"a\",null]", "{\"a\":{\"b\":[]}}");
    }

    // ---- text helpers

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String abbreviate(String text) {
        return text.length() <= 300
                ? text
                : text.substring(0, 200) + "...(" + text.length() + " chars)..." + text.substring(text.length() - 60);
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes.length > 400 ? java.util.Arrays.copyOf(bytes, 400) : bytes) {
            int c = b & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return out.append(bytes.length > 400 ? "..." : "").toString();
    }
}
