package io.socialink.client.api;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.DeviceKeys;
import io.socialink.client.auth.PlatformTokens;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * Blocking (and, for sends, asynchronous) client of the gateway's REST API {@code /api/v1}. Thread-safe; one
 * instance can serve many devices. Error responses become {@link ProblemException}, transport failures
 * {@link UncheckedIOException}. {@link #sendToAllDevices} carries the multi-device sender logic: one copy per
 * device, corrected and retried with the same idempotency key when the gateway says a device list is outdated.
 */
public final class SocialinkClient {

    /** Attempts of one {@link #sendToAllDevices} before a 409/410 is given up on and thrown. */
    public static final int MAX_SEND_ATTEMPTS = 3;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String JSON = "application/json";

    private final URI baseUrl;
    private final HttpClient http;
    private final PlatformTokens tokens;
    private final Duration requestTimeout;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final ProblemParser problems = new ProblemParser(mapper);

    public SocialinkClient(URI baseUrl, HttpClient http, PlatformTokens tokens, Duration requestTimeout) {
        String url = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.http = Objects.requireNonNull(http, "http");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** HTTP/1.1 client with the platform secret from the environment. */
    public SocialinkClient(URI baseUrl) {
        this(baseUrl, defaultHttpClient(), PlatformTokens.fromEnvironment(), DEFAULT_REQUEST_TIMEOUT);
    }

    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public HttpClient httpClient() {
        return http;
    }

    /** {@code ws://host:port/ws/{userId}/{deviceId}} (or {@code wss://}) for the device. */
    public URI webSocketUri(DeviceCredentials device) {
        String scheme = "https".equalsIgnoreCase(baseUrl.getScheme()) ? "wss" : "ws";
        String url = baseUrl.toString().replaceFirst("^[A-Za-z]+://", scheme + "://");
        return URI.create(url + "/ws/" + device.userId() + "/" + device.deviceId());
    }

    /** Registers a new device of {@code userId} with a random registration id and identity key. */
    public DeviceCredentials register(String userId) {
        return register(userId, DeviceKeys.randomRegistrationId(), DeviceKeys.randomIdentityKey());
    }

    /**
     * Registers a new device of {@code userId} with a locally minted platform token.
     *
     * @param identityKey 33 bytes, first byte 0x05
     */
    public DeviceCredentials register(String userId, int registrationId, byte[] identityKey) {
        checkUserId(userId);
        ObjectNode body = mapper.createObjectNode();
        body.put("registrationId", registrationId);
        body.put("identityKey", Base64.getEncoder().encodeToString(identityKey));
        HttpRequest request = request("/api/v1/keys/register/" + userId)
                .header("Authorization", "Bearer " + tokens.mint(userId))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        JsonNode json = readJson(exchange(request, 201));
        return new DeviceCredentials(json.path("userId").asString(userId), json.path("deviceId").asInt(),
                json.path("deviceSecret").asString(), registrationId);
    }

    /** The active devices of {@code userId}; a 404 {@code unknown-user} when it has none. */
    public DeviceList devices(DeviceCredentials as, String userId) {
        checkUserId(userId);
        HttpRequest request = request("/api/v1/keys/devices/" + userId)
                .header("Authorization", as.basicAuthorization())
                .GET()
                .build();
        JsonNode json = readJson(exchange(request, 200));
        List<DeviceInfo> devices = new ArrayList<>();
        for (JsonNode device : json.path("devices")) {
            devices.add(new DeviceInfo(device.path("deviceId").asInt(), device.path("registrationId").asInt(),
                    JsonTimestamps.read(device.get("createdAt"))));
        }
        return new DeviceList(json.path("userId").asString(userId), devices);
    }

    /** Sends the given copies as one message; the copies must match the gateway's device lists exactly. */
    public SendResult send(DeviceCredentials as, String destination, String idempotencyKey,
                           List<OutgoingCopy> copies) {
        return join(sendAsync(as, destination, idempotencyKey, copies));
    }

    /**
     * Asynchronous {@link #send}: completes with the result, or exceptionally with a {@link ProblemException} or
     * an {@link IOException}.
     */
    public CompletableFuture<SendResult> sendAsync(DeviceCredentials as, String destination, String idempotencyKey,
                                                   List<OutgoingCopy> copies) {
        checkUserId(destination);
        HttpRequest request = request("/api/v1/messages/send/" + as.userId())
                .header("Authorization", as.basicAuthorization())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(sendBody(destination, idempotencyKey, copies)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    JsonNode json = readJson(checkStatus(response, 201));
                    return new SendResult(UUID.fromString(json.path("messageId").asString()),
                            JsonTimestamps.read(json.get("sentAt")), json.path("deviceCount").asInt());
                });
    }

    /** {@link #sendToAllDevices(DeviceCredentials, String, String, byte[])} with a fresh idempotency key. */
    public SendResult sendToAllDevices(DeviceCredentials as, String destination, byte[] content) {
        return sendToAllDevices(as, destination, UUID.randomUUID().toString(), content);
    }

    /**
     * Sends {@code content} to every active device of {@code destination} and to the sender's other devices (Note
     * to Self: the sender's other devices only). When the gateway answers 409 {@code device-mismatch} or 410
     * {@code stale-devices}, the named users' device lists are fetched again and the send is retried with the same
     * idempotency key, so a retry never duplicates; after {@link #MAX_SEND_ATTEMPTS} the problem is thrown.
     */
    public SendResult sendToAllDevices(DeviceCredentials as, String destination, String idempotencyKey,
                                       byte[] content) {
        Map<String, List<DeviceInfo>> devicesByUser = new HashMap<>();
        devicesByUser.put(destination, devices(as, destination).devices());
        if (!destination.equals(as.userId())) {
            devicesByUser.put(as.userId(), devices(as, as.userId()).devices());
        }
        for (int attempt = 1; ; attempt++) {
            List<OutgoingCopy> copies = DeviceFanout.copies(as.userId(), as.deviceId(), destination, devicesByUser,
                    (userId, device) -> content);
            try {
                return send(as, destination, idempotencyKey, copies);
            } catch (ProblemException problem) {
                if (!problem.isDeviceListOutdated() || attempt >= MAX_SEND_ATTEMPTS) {
                    throw problem;
                }
                refresh(as, devicesByUser, problem);
            }
        }
    }

    private void refresh(DeviceCredentials as, Map<String, List<DeviceInfo>> devicesByUser,
                         ProblemException problem) {
        // a problem without names still means some list is outdated: refresh every list of this send
        List<String> users = problem.outdatedUsers().isEmpty()
                ? List.copyOf(devicesByUser.keySet())
                : List.copyOf(problem.outdatedUsers());
        for (String userId : users) {
            if (!devicesByUser.containsKey(userId)) {
                continue;
            }
            try {
                devicesByUser.put(userId, devices(as, userId).devices());
            } catch (ProblemException lookup) {
                if (lookup.status() != 404) {
                    throw lookup;
                }
                devicesByUser.put(userId, List.of());
            }
        }
    }

    private String sendBody(String destination, String idempotencyKey, List<OutgoingCopy> copies) {
        ObjectNode body = mapper.createObjectNode();
        body.put("destination", destination);
        body.put("idempotencyKey", idempotencyKey);
        ArrayNode messages = body.putArray("messages");
        Base64.Encoder base64 = Base64.getEncoder();
        for (OutgoingCopy copy : copies) {
            messages.addObject()
                    .put("userId", copy.userId())
                    .put("deviceId", copy.deviceId())
                    .put("registrationId", copy.registrationId())
                    .put("type", copy.type())
                    .put("content", base64.encodeToString(copy.content()));
        }
        return mapper.writeValueAsString(body);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", JSON + ", application/problem+json");
    }

    private byte[] exchange(HttpRequest request, int expectedStatus) {
        try {
            return checkStatus(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), expectedStatus);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted: " + request.uri().getPath()));
        }
    }

    private byte[] checkStatus(HttpResponse<byte[]> response, int expectedStatus) {
        if (response.statusCode() != expectedStatus) {
            throw problems.parse(response.statusCode(), response.body());
        }
        return response.body();
    }

    private JsonNode readJson(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            throw new UncheckedIOException(new IOException("unreadable response body", e));
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted"));
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("send failed: " + describe(io), io);
            }
            throw new IllegalStateException(cause);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    private static void checkUserId(String userId) {
        if (userId == null || !USER_ID.matcher(userId).matches()) {
            throw new IllegalArgumentException("userId must match [A-Za-z0-9_-]{1,64}: " + userId);
        }
    }
}
