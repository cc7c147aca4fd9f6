package io.socialink.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The gateway's checked-in OpenAPI document ({@code static/openapi.yaml}) as a list of operations with their
 * parameters and request body schema, every {@code $ref} resolved. The suites enumerate endpoints from here, so a new
 * operation in the document is seen by them without anyone listing it again.
 */
final class OpenApiDocument {

    static final String RESOURCE = "static/openapi.yaml";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One path parameter or query parameter. */
    record Parameter(String name, String in, boolean required, Map<String, Object> schema) {}

    /** One operation; {@code security} is the scheme it takes, null when it is public. */
    record Operation(
            String method,
            String path,
            List<Parameter> parameters,
            Map<String, Object> body,
            boolean bodyRequired,
            String security,
            Set<String> responses) {

        /** {@code "POST /api/v1/messages/send/{senderId}"}: how the suites' tables name an operation. */
        String key() {
            return method + " " + path;
        }

        List<Parameter> pathParameters() {
            return parameters.stream()
                    .filter(parameter -> parameter.in().equals("path"))
                    .toList();
        }

        List<Parameter> queryParameters() {
            return parameters.stream()
                    .filter(parameter -> parameter.in().equals("query"))
                    .toList();
        }

        /** Whether the document names {@code status} among this operation's responses. */
        boolean documents(int status) {
            return responses.contains(Integer.toString(status));
        }

        boolean isPublic() {
            return security == null;
        }

        @Override
        public String toString() {
            return key();
        }
    }

    private final Map<String, Object> root;
    private final List<Operation> operations;

    private OpenApiDocument(Map<String, Object> root) {
        this.root = root;
        this.operations = readOperations();
    }

    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return new OpenApiDocument(new Yaml().load(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Operation> operations() {
        return operations;
    }

    private List<Operation> readOperations() {
        List<Operation> found = new ArrayList<>();
        List<?> defaultSecurity = (List<?>) root.get("security");
        for (Map.Entry<String, Object> path : map(root.get("paths")).entrySet()) {
            Map<String, Object> item = map(path.getValue());
            List<Object> shared = list(item.get("parameters"));
            for (String method : METHODS) {
                if (!item.containsKey(method)) {
                    continue;
                }
                Map<String, Object> operation = map(item.get(method));
                List<Parameter> parameters = new ArrayList<>();
                List<Object> declared = new ArrayList<>(shared);
                declared.addAll(list(operation.get("parameters")));
                for (Object parameter : declared) {
                    Map<String, Object> resolved = map(resolve(parameter));
                    parameters.add(new Parameter(
                            (String) resolved.get("name"),
                            (String) resolved.get("in"),
                            Boolean.TRUE.equals(resolved.get("required")),
                            map(resolve(resolved.get("schema")))));
                }
                Map<String, Object> body = null;
                boolean bodyRequired = false;
                if (operation.containsKey("requestBody")) {
                    Map<String, Object> requestBody = map(resolve(operation.get("requestBody")));
                    bodyRequired = Boolean.TRUE.equals(requestBody.get("required"));
                    Map<String, Object> json =
                            map(map(requestBody.get("content")).get("application/json"));
                    body = map(resolve(json.get("schema")));
                }
                List<?> security =
                        operation.containsKey("security") ? (List<?>) operation.get("security") : defaultSecurity;
                String scheme = security == null || security.isEmpty()
                        ? null
                        : map(security.get(0)).keySet().iterator().next();
                found.add(new Operation(
                        method.toUpperCase(Locale.ROOT),
                        path.getKey(),
                        List.copyOf(parameters),
                        body,
                        bodyRequired,
                        scheme,
                        responseCodes(operation)));
            }
        }
        return List.copyOf(found);
    }

    /** YAML reads unquoted status codes as numbers. */
    private static Set<String> responseCodes(Map<String, Object> operation) {
        Set<String> codes = new java.util.HashSet<>();
        for (Object code : ((Map<?, ?>) operation.getOrDefault("responses", Map.of())).keySet()) {
            codes.add(String.valueOf(code));
        }
        return Set.copyOf(codes);
    }

    /** The node with every {@code $ref} inside it replaced by its target (the document has no cycles). */
    Object resolve(Object node) {
        if (node instanceof Map<?, ?> object) {
            if (object.containsKey("$ref")) {
                return resolve(lookup((String) object.get("$ref")));
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            object.forEach((key, value) -> resolved.put((String) key, resolve(value)));
            return resolved;
        }
        if (node instanceof List<?> items) {
            return items.stream().map(this::resolve).toList();
        }
        return node;
    }

    private Object lookup(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("only local references are supported: " + ref);
        }
        Object node = root;
        for (String part : ref.substring(2).split("/")) {
            node = map(node).get(part.replace("~1", "/").replace("~0", "~"));
            if (node == null) {
                throw new IllegalStateException("unresolvable reference " + ref);
            }
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node == null ? List.of() : (List<Object>) node;
    }
}
