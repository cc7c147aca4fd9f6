package io.socialink.client.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small in-memory stand-in for the gateway's REST API on loopback, checking sends against its device lists
 * the way the contract describes (409 mismatch, 410 stale), so client logic can be tested without the real
 * services. Device lists can be changed behind the client's back to provoke the corrections.
 */
public final class FakeGateway implements AutoCloseable {

    /** A request as received: method, path, Authorization header and body. */
    public record Request(String method, String path, String authorization, String body) {}

    public record Device(int deviceId, int registrationId, String secret) {}

    private static final String PROBLEMS = "https://socialink.io/problems/";

    private final HttpServer server;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final Map<String, List<Device>> devices = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> acceptedSends = new CopyOnWriteArrayList<>();
    private final Queue<Runnable> beforeNextSends = new ConcurrentLinkedQueue<>();
    private final Map<String, DeviceKeys> keys = new ConcurrentHashMap<>();
    private final Map<String, Integer> replaceOnNextRegistration = new ConcurrentHashMap<>();

    /** The key material the fake holds for one device, as registered and uploaded. */
    public static final class DeviceKeys {
        volatile String identityKey;
        volatile JsonNode signedPreKey;
        volatile JsonNode pqLastResortPreKey;
        final java.util.Deque<JsonNode> preKeys = new java.util.concurrent.ConcurrentLinkedDeque<>();
        final java.util.Deque<JsonNode> pqPreKeys = new java.util.concurrent.ConcurrentLinkedDeque<>();

        public int preKeyCount() {
            return preKeys.size();
        }

        public int pqPreKeyCount() {
            return pqPreKeys.size();
        }

        public List<JsonNode> pqPreKeys() {
            return List.copyOf(pqPreKeys);
        }

        public String identityKey() {
            return identityKey;
        }
    }

    private volatile Runnable beforeEverySend = () -> {};

    public FakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String pathPrefix) {
        return requests.stream()
                .filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix))
                .toList();
    }

    /** The bodies of the sends answered 201. */
    public List<JsonNode> acceptedSends() {
        return List.copyOf(acceptedSends);
    }

    /** Adds a device directly, as if another client had registered it. */
    public synchronized Device addDevice(String userId, int registrationId) {
        List<Device> list = devices.computeIfAbsent(userId, ignored -> new CopyOnWriteArrayList<>());
        int next = list.stream().mapToInt(Device::deviceId).max().orElse(0) + 1;
        Device device = new Device(next, registrationId, "secret-" + userId + "-" + next);
        list.add(device);
        return device;
    }

    /** The keys of a device registered with key material, or null. */
    public DeviceKeys keys(String userId, int deviceId) {
        return keys.get(userId + "." + deviceId);
    }

    /** The next registration of {@code userId} replaces device {@code deviceId}, as a reinstall would. */
    public void replaceOnNextRegistration(String userId, int deviceId) {
        replaceOnNextRegistration.put(userId, deviceId);
    }

    public void removeDevice(String userId, int deviceId) {
        devices.getOrDefault(userId, List.of()).removeIf(device -> device.deviceId() == deviceId);
    }

    /** Replaces a device's registration id, as a reinstall would. */
    public void reRegister(String userId, int deviceId, int registrationId) {
        List<Device> list = devices.get(userId);
        list.replaceAll(d -> d.deviceId() == deviceId ? new Device(deviceId, registrationId, d.secret()) : d);
    }

    /** Runs once, when the next send arrives and before it is checked: a change racing the client's lookup. */
    public void beforeNextSend(Runnable change) {
        beforeNextSends.add(change);
    }

    /** Runs at every send before it is checked. */
    public void beforeEverySend(Runnable change) {
        beforeEverySend = change;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
            String[] parts = path.split("/");
            if (path.startsWith("/api/v1/keys/register/")) {
                register(exchange, parts[5], body);
            } else if (path.startsWith("/api/v1/keys/bundle/")) {
                bundle(exchange, parts[5], exchange.getRequestURI().getQuery());
            } else if (path.startsWith("/api/v1/keys/prekeys/")) {
                uploadPreKeys(exchange, parts[5] + "." + parts[6], body);
            } else if (path.startsWith("/api/v1/keys/stats/")) {
                respond(exchange, 200, stats(parts[5] + "." + parts[6]));
            } else if (path.startsWith("/api/v1/keys/deactivate/")) {
                removeDevice(parts[5], Integer.parseInt(parts[6]));
                exchange.sendResponseHeaders(204, -1);
            } else if (path.startsWith("/api/v1/keys/devices/")) {
                devices(exchange, parts[5]);
            } else if (path.startsWith("/api/v1/messages/send/")) {
                send(exchange, parts[5], body);
            } else {
                problem(exchange, 404, "not-found", "Not Found", path, null);
            }
        }
    }

    private void register(HttpExchange exchange, String userId, String body) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            problem(exchange, 401, "unauthorized", "Unauthorized", "platform token required", null);
            return;
        }
        JsonNode json = mapper.readTree(body);
        Integer replaced = replaceOnNextRegistration.remove(userId);
        Device device;
        if (replaced != null) {
            reRegister(userId, replaced, json.path("registrationId").asInt());
            device = devices.get(userId).stream()
                    .filter(d -> d.deviceId() == replaced)
                    .findFirst()
                    .orElseThrow();
        } else {
            device = addDevice(userId, json.path("registrationId").asInt());
        }
        if (json.has("signedPreKey")) {
            DeviceKeys deviceKeys = new DeviceKeys();
            deviceKeys.identityKey = json.path("identityKey").asString();
            deviceKeys.signedPreKey = json.get("signedPreKey");
            deviceKeys.pqLastResortPreKey = json.get("pqLastResortPreKey");
            json.path("preKeys").forEach(deviceKeys.preKeys::add);
            json.path("pqPreKeys").forEach(deviceKeys.pqPreKeys::add);
            keys.put(userId + "." + device.deviceId(), deviceKeys);
        }
        respond(
                exchange,
                201,
                mapper.createObjectNode()
                        .put("userId", userId)
                        .put("deviceId", device.deviceId())
                        .put("deviceSecret", device.secret()));
    }

    private void bundle(HttpExchange exchange, String userId, String query) throws IOException {
        Integer only = query != null && query.startsWith("deviceId=") ? Integer.valueOf(query.substring(9)) : null;
        ObjectNode json = mapper.createObjectNode().put("userId", userId);
        ArrayNode array = json.putArray("devices");
        for (Device device : devices.getOrDefault(userId, List.of())) {
            DeviceKeys deviceKeys = keys.get(userId + "." + device.deviceId());
            if (deviceKeys == null || (only != null && only != device.deviceId())) {
                continue;
            }
            ObjectNode bundle = array.addObject()
                    .put("deviceId", device.deviceId())
                    .put("registrationId", device.registrationId())
                    .put("identityKey", deviceKeys.identityKey);
            bundle.set("signedPreKey", deviceKeys.signedPreKey);
            JsonNode preKey = deviceKeys.preKeys.pollFirst();
            bundle.set("preKey", preKey == null ? mapper.nullNode() : preKey);
            JsonNode pqPreKey = deviceKeys.pqPreKeys.pollFirst();
            ObjectNode pq = ((ObjectNode) (pqPreKey == null ? deviceKeys.pqLastResortPreKey : pqPreKey)).deepCopy();
            bundle.set("pqPreKey", pq.put("lastResort", pqPreKey == null));
        }
        if (array.isEmpty()) {
            problem(
                    exchange,
                    404,
                    only == null ? "unknown-user" : "unknown-device",
                    only == null ? "Unknown user" : "Unknown device",
                    userId + " has no active device",
                    null);
            return;
        }
        respond(exchange, 200, json);
    }

    private void uploadPreKeys(HttpExchange exchange, String address, String body) throws IOException {
        DeviceKeys deviceKeys = keys.get(address);
        JsonNode json = mapper.readTree(body);
        json.path("preKeys").forEach(deviceKeys.preKeys::add);
        json.path("pqPreKeys").forEach(deviceKeys.pqPreKeys::add);
        respond(exchange, 200, stats(address));
    }

    private ObjectNode stats(String address) {
        DeviceKeys deviceKeys = keys.get(address);
        return mapper.createObjectNode()
                .put("ecPreKeys", deviceKeys.preKeys.size())
                .put("pqPreKeys", deviceKeys.pqPreKeys.size())
                .put("signedPreKeyAgeSeconds", 0)
                .put("pqLastResortPreKeyAgeSeconds", 0);
    }

    private void devices(HttpExchange exchange, String userId) throws IOException {
        List<Device> list = devices.getOrDefault(userId, List.of());
        if (list.isEmpty()) {
            problem(exchange, 404, "unknown-user", "Unknown user", userId + " has no active device", null);
            return;
        }
        ObjectNode json = mapper.createObjectNode().put("userId", userId);
        ArrayNode array = json.putArray("devices");
        list.forEach(device -> array.addObject()
                .put("deviceId", device.deviceId())
                .put("registrationId", device.registrationId())
                .put("createdAt", "2025-01-02T03:04:05Z"));
        respond(exchange, 200, json);
    }

    private void send(HttpExchange exchange, String senderId, String body) throws IOException {
        Runnable change = beforeNextSends.poll();
        if (change != null) {
            change.run();
        }
        beforeEverySend.run();
        int senderDevice = senderDevice(exchange.getRequestHeaders().getFirst("Authorization"));
        JsonNode json = mapper.readTree(body);
        String destination = json.path("destination").asString();
        if (devices.getOrDefault(destination, List.of()).isEmpty()) {
            problem(exchange, 404, "unknown-user", "Unknown user", destination, null);
            return;
        }
        Map<String, TreeMap<Integer, Integer>> sent = new TreeMap<>();
        for (JsonNode copy : json.path("messages")) {
            sent.computeIfAbsent(copy.path("userId").asString(), ignored -> new TreeMap<>())
                    .put(
                            copy.path("deviceId").asInt(),
                            copy.path("registrationId").asInt());
            Base64.getDecoder().decode(copy.path("content").asString());
        }
        List<String> users = new ArrayList<>(List.of(destination));
        if (!destination.equals(senderId)) {
            users.add(senderId);
        }
        ArrayNode mismatches = mapper.createArrayNode();
        ArrayNode stale = mapper.createArrayNode();
        for (String user : users) {
            TreeSet<Integer> expected = new TreeSet<>();
            devices.getOrDefault(user, List.of()).stream()
                    .filter(d -> !(user.equals(senderId) && d.deviceId() == senderDevice))
                    .forEach(d -> expected.add(d.deviceId()));
            TreeMap<Integer, Integer> got = sent.getOrDefault(user, new TreeMap<>());
            TreeSet<Integer> missing = new TreeSet<>(expected);
            missing.removeAll(got.keySet());
            TreeSet<Integer> extra = new TreeSet<>(got.keySet());
            extra.removeAll(expected);
            if (!missing.isEmpty() || !extra.isEmpty()) {
                ObjectNode mismatch = mismatches.addObject().put("userId", user);
                missing.forEach(mismatch.putArray("missingDevices")::add);
                extra.forEach(mismatch.putArray("extraDevices")::add);
                continue;
            }
            ArrayNode staleIds = mapper.createArrayNode();
            for (Device device : devices.getOrDefault(user, List.of())) {
                Integer registrationId = got.get(device.deviceId());
                if (registrationId != null && registrationId != device.registrationId()) {
                    staleIds.add(device.deviceId());
                }
            }
            if (!staleIds.isEmpty()) {
                stale.addObject().put("userId", user).set("staleDevices", staleIds);
            }
        }
        if (!mismatches.isEmpty()) {
            problem(exchange, 409, "device-mismatch", "Device mismatch", null, Map.of("mismatches", mismatches));
            return;
        }
        if (!stale.isEmpty()) {
            problem(exchange, 410, "stale-devices", "Stale devices", null, Map.of("stale", stale));
            return;
        }
        acceptedSends.add(json);
        UUID messageId = UUID.nameUUIDFromBytes((senderId + "." + senderDevice + ":"
                        + json.path("idempotencyKey").asString())
                .getBytes(StandardCharsets.UTF_8));
        respond(
                exchange,
                201,
                mapper.createObjectNode()
                        .put("messageId", messageId.toString())
                        .put("sentAt", 1_700_000_000_000L)
                        .put("deviceCount", json.path("messages").size()));
    }

    private static int senderDevice(String authorization) {
        String decoded = new String(
                Base64.getDecoder().decode(authorization.substring("Basic ".length())), StandardCharsets.UTF_8);
        String address = decoded.substring(0, decoded.indexOf(':'));
        return Integer.parseInt(address.substring(address.lastIndexOf('.') + 1));
    }

    private void problem(
            HttpExchange exchange,
            int status,
            String name,
            String title,
            String detail,
            Map<String, JsonNode> extensions)
            throws IOException {
        ObjectNode json = mapper.createObjectNode()
                .put("type", PROBLEMS + name)
                .put("title", title)
                .put("status", status);
        if (detail != null) {
            json.put("detail", detail);
        }
        if (extensions != null) {
            extensions.forEach(json::set);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        byte[] bytes = mapper.writeValueAsBytes(json);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void respond(HttpExchange exchange, int status, JsonNode json) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = mapper.writeValueAsBytes(json);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
