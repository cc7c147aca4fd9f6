package io.socialink.client.api;

import io.socialink.client.auth.DeviceCredentials;
import io.socialink.client.auth.PlatformTokens;
import io.socialink.client.keys.DeviceBundle;
import io.socialink.client.keys.DeviceKeyMaterial;
import io.socialink.client.keys.PreKeyBundles;
import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.keys.PublicPreKey;
import io.socialink.client.keys.RegistrationKeys;
import io.socialink.client.socket.FrameParser;
import io.socialink.client.socket.ServerFrame;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
    /** One-time prekeys of each kind that {@link #register(String)} registers. */
    public static final int DEFAULT_ONE_TIME_PREKEYS = 100;

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

    /**
     * Registers a new device of {@code userId} with fresh libsignal keys and {@link #DEFAULT_ONE_TIME_PREKEYS}
     * one-time prekeys of each kind. The private halves are not kept: the device can authenticate and receive, but
     * cannot decrypt; use {@link #register(String, RegistrationKeys)} with kept {@code DeviceKeyMaterial} for that.
     */
    public DeviceCredentials register(String userId) {
        return register(userId, DEFAULT_ONE_TIME_PREKEYS);
    }

    /** {@link #register(String)} with {@code oneTimePreKeys} (0..100) one-time prekeys of each kind. */
    public DeviceCredentials register(String userId, int oneTimePreKeys) {
        return register(userId, DeviceKeyMaterial.generate(oneTimePreKeys).publicKeys());
    }

    /**
     * Registers a new device of {@code userId} with a locally minted platform token and the given public keys;
     * a 422 {@code bad-signature} when a prekey signature does not verify against the identity key.
     */
    public DeviceCredentials register(String userId, RegistrationKeys keys) {
        checkUserId(userId);
        ObjectNode body = mapper.createObjectNode();
        body.put("registrationId", keys.registrationId());
        body.put("identityKey", base64(keys.identityKey()));
        putKey(body.putObject("signedPreKey"), keys.signedPreKey());
        putKey(body.putObject("pqLastResortPreKey"), keys.pqLastResortPreKey());
        putKeys(body.putArray("preKeys"), keys.preKeys());
        putKeys(body.putArray("pqPreKeys"), keys.pqPreKeys());
        HttpRequest request = request("/api/v1/keys/register/" + userId)
                .header("Authorization", "Bearer " + tokens.mint(userId))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        JsonNode json = readJson(exchange(request, 201));
        return new DeviceCredentials(
                json.path("userId").asString(userId),
                json.path("deviceId").asInt(),
                json.path("deviceSecret").asString(),
                keys.registrationId());
    }

    /**
     * Prekey bundles of every active device of {@code userId}. Each one-time prekey handed out is gone from the
     * directory, so fetch only for devices a session is needed with. 404 {@code unknown-user}; 429
     * {@code rate-limited} when this device fetched too often.
     */
    public PreKeyBundles bundle(DeviceCredentials as, String userId) {
        return bundle(as, userId, null);
    }

    /** The bundle of one device of {@code userId} (all devices when {@code deviceId} is null). */
    public PreKeyBundles bundle(DeviceCredentials as, String userId, @Nullable Integer deviceId) {
        checkUserId(userId);
        String query = deviceId == null ? "" : "?deviceId=" + deviceId;
        HttpRequest request = request("/api/v1/keys/bundle/" + userId + query)
                .header("Authorization", as.basicAuthorization())
                .GET()
                .build();
        JsonNode json = readJson(exchange(request, 200));
        List<DeviceBundle> devices = new ArrayList<>();
        for (JsonNode device : json.path("devices")) {
            JsonNode pq = device.path("pqPreKey");
            devices.add(new DeviceBundle(
                    device.path("deviceId").asInt(),
                    device.path("registrationId").asInt(),
                    decode(device.path("identityKey")),
                    readKey(device.path("signedPreKey")),
                    device.hasNonNull("preKey") ? readKey(device.get("preKey")) : null,
                    readKey(pq),
                    pq.path("lastResort").asBoolean(false)));
        }
        return new PreKeyBundles(json.path("userId").asString(userId), devices);
    }

    /** Uploads more one-time prekeys of the authenticated device; answers the directory's counts after it. */
    public PreKeyStats uploadPreKeys(DeviceCredentials as, List<PublicPreKey> preKeys, List<PublicPreKey> pqPreKeys) {
        ObjectNode body = mapper.createObjectNode();
        putKeys(body.putArray("preKeys"), preKeys);
        putKeys(body.putArray("pqPreKeys"), pqPreKeys);
        HttpRequest request = request("/api/v1/keys/prekeys/" + as.userId() + "/" + as.deviceId())
                .header("Authorization", as.basicAuthorization())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        return readStats(readJson(exchange(request, 200)));
    }

    /** Replaces the signed prekey and/or the Kyber last-resort prekey (at least one non-null) of this device. */
    public void rotate(DeviceCredentials as, PublicPreKey signedPreKey, PublicPreKey pqLastResortPreKey) {
        if (signedPreKey == null && pqLastResortPreKey == null) {
            throw new IllegalArgumentException("rotate needs a signed prekey or a Kyber last-resort prekey");
        }
        ObjectNode body = mapper.createObjectNode();
        if (signedPreKey != null) {
            putKey(body.putObject("signedPreKey"), signedPreKey);
        }
        if (pqLastResortPreKey != null) {
            putKey(body.putObject("pqLastResortPreKey"), pqLastResortPreKey);
        }
        HttpRequest request = request("/api/v1/keys/rotate/" + as.userId() + "/" + as.deviceId())
                .header("Authorization", as.basicAuthorization())
                .header("Content-Type", JSON)
                .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                .build();
        exchange(request, 204);
    }

    /** Remaining one-time prekeys and key ages of the authenticated device. */
    public PreKeyStats stats(DeviceCredentials as) {
        HttpRequest request = request("/api/v1/keys/stats/" + as.userId() + "/" + as.deviceId())
                .header("Authorization", as.basicAuthorization())
                .GET()
                .build();
        return readStats(readJson(exchange(request, 200)));
    }

    /**
     * Removes device {@code deviceId} of the authenticated user from its device list: its credentials stop working,
     * its socket closes and its queue is dropped.
     */
    public void deactivate(DeviceCredentials as, int deviceId) {
        HttpRequest request = request("/api/v1/keys/deactivate/" + as.userId() + "/" + deviceId)
                .header("Authorization", as.basicAuthorization())
                .DELETE()
                .build();
        exchange(request, 204);
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
            devices.add(new DeviceInfo(
                    device.path("deviceId").asInt(),
                    device.path("registrationId").asInt(),
                    JsonTimestamps.read(device.get("createdAt"))));
        }
        return new DeviceList(json.path("userId").asString(userId), devices);
    }

    /** Sends the given copies as one message; the copies must match the gateway's device lists exactly. */
    public SendResult send(DeviceCredentials as, String destination, String idempotencyKey, List<OutgoingCopy> copies) {
        return join(sendAsync(as, destination, idempotencyKey, copies));
    }

    /**
     * Asynchronous {@link #send}: completes with the result, or exceptionally with a {@link ProblemException} or
     * an {@link IOException}.
     */
    public CompletableFuture<SendResult> sendAsync(
            DeviceCredentials as, String destination, String idempotencyKey, List<OutgoingCopy> copies) {
        return sendAsync(as, destination, idempotencyKey, copies, null);
    }

    /** {@link #sendAsync} of a disappearing message: {@code expiresIn} whole seconds, 1 s .. 30 days, or null. */
    public CompletableFuture<SendResult> sendAsync(
            DeviceCredentials as,
            String destination,
            String idempotencyKey,
            List<OutgoingCopy> copies,
            @Nullable Duration expiresIn) {
        checkUserId(destination);
        HttpRequest request = request("/api/v1/messages/send/" + as.userId())
                .header("Authorization", as.basicAuthorization())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(sendBody(destination, idempotencyKey, copies, expiresIn)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            JsonNode json = readJson(checkStatus(response, 201));
            return new SendResult(
                    UUID.fromString(json.path("messageId").asString()),
                    JsonTimestamps.read(json.get("sentAt")),
                    json.path("deviceCount").asInt());
        });
    }

    /** {@link #sendToAllDevices(DeviceCredentials, String, String, byte[])} with a fresh idempotency key. */
    public SendResult sendToAllDevices(DeviceCredentials as, String destination, byte[] content) {
        return sendToAllDevices(as, destination, UUID.randomUUID().toString(), content);
    }

    /**
     * Sends {@code content} to every active device of {@code destination} and to the sender's other devices (Note
     * to Self: the sender's other devices only), the same bytes to each. When the gateway answers 409
     * {@code device-mismatch} or 410 {@code stale-devices}, the named users' device lists are fetched again and the
     * send is retried with the same idempotency key, so a retry never duplicates; after {@link #MAX_SEND_ATTEMPTS}
     * the problem is thrown.
     */
    public SendResult sendToAllDevices(
            DeviceCredentials as, String destination, String idempotencyKey, byte[] content) {
        return sendToAllDevices(as, destination, idempotencyKey, new DeviceListCopies(as, destination, content));
    }

    /**
     * Sends one copy per device that {@code copies} believes active, with the fan-out rules above; on 409/410 lets
     * {@code copies} correct its beliefs and retries with the same idempotency key, at most
     * {@link #MAX_SEND_ATTEMPTS} times in all.
     */
    public SendResult sendToAllDevices(
            DeviceCredentials as, String destination, String idempotencyKey, DeviceCopies copies) {
        return sendToAllDevices(as, destination, idempotencyKey, copies, null);
    }

    /** {@link #sendToAllDevices(DeviceCredentials, String, byte[])} as a disappearing message. */
    public SendResult sendDisappearing(DeviceCredentials as, String destination, byte[] content, Duration expiresIn) {
        return sendToAllDevices(
                as,
                destination,
                UUID.randomUUID().toString(),
                new DeviceListCopies(as, destination, content),
                Objects.requireNonNull(expiresIn));
    }

    private SendResult sendToAllDevices(
            DeviceCredentials as,
            String destination,
            String idempotencyKey,
            DeviceCopies copies,
            @Nullable Duration expiresIn) {
        checkUserId(destination);
        for (int attempt = 1; ; attempt++) {
            List<OutgoingCopy> outgoing =
                    DeviceFanout.copies(as.userId(), as.deviceId(), destination, copies.devices(), copies::copy);
            try {
                return join(sendAsync(as, destination, idempotencyKey, outgoing, expiresIn));
            } catch (ProblemException problem) {
                if (!problem.isDeviceListOutdated() || attempt >= MAX_SEND_ATTEMPTS) {
                    throw problem;
                }
                copies.correct(problem);
            }
        }
    }

    /** The same content for every device, with device lists from the directory. */
    private final class DeviceListCopies implements DeviceCopies {

        private final DeviceCredentials as;
        private final byte[] content;
        private final Map<String, List<DeviceInfo>> devicesByUser = new HashMap<>();

        DeviceListCopies(DeviceCredentials as, String destination, byte[] content) {
            this.as = as;
            this.content = content;
            devicesByUser.put(
                    destination, SocialinkClient.this.devices(as, destination).devices());
            if (!destination.equals(as.userId())) {
                devicesByUser.put(
                        as.userId(),
                        SocialinkClient.this.devices(as, as.userId()).devices());
            }
        }

        @Override
        public Map<String, List<DeviceInfo>> devices() {
            return devicesByUser;
        }

        @Override
        public OutgoingCopy copy(String userId, DeviceInfo device) {
            return OutgoingCopy.of(device, userId, content);
        }

        @Override
        public void correct(ProblemException problem) {
            // a problem without names still means some list is outdated: refresh every list of this send
            List<String> users = problem.outdatedUsers().isEmpty()
                    ? List.copyOf(devicesByUser.keySet())
                    : List.copyOf(problem.outdatedUsers());
            for (String userId : users) {
                if (!devicesByUser.containsKey(userId)) {
                    continue;
                }
                try {
                    devicesByUser.put(
                            userId, SocialinkClient.this.devices(as, userId).devices());
                } catch (ProblemException lookup) {
                    if (lookup.status() != 404) {
                        throw lookup;
                    }
                    devicesByUser.put(userId, List.of());
                }
            }
        }
    }

    /** Acknowledges the device's copy over REST, as a socket ack would (the sender sees "delivered"). */
    public void markDelivered(DeviceCredentials as, UUID messageId) {
        exchange(
                request("/api/v1/messages/delivered/" + as.userId() + "/" + messageId)
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                204);
    }

    /** Reports the message read on this device; the sender sees "read" unless this user turned read receipts off. */
    public void markRead(DeviceCredentials as, UUID messageId) {
        exchange(
                request("/api/v1/messages/read/" + as.userId() + "/" + messageId)
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                204);
    }

    /** Turns this user's read receipts on or off. */
    public void setReadReceipts(DeviceCredentials as, boolean enabled) {
        exchange(
                request("/api/v1/settings/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"readReceipts\":" + enabled + "}"))
                        .build(),
                200);
    }

    /** Who sees this user's online state and last seen: {@code everyone} or {@code nobody}. */
    public void setPresenceVisibility(DeviceCredentials as, String visibility) {
        exchange(
                request("/api/v1/settings/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                mapper.writeValueAsString(Map.of("presence", visibility))))
                        .build(),
                200);
    }

    /** This device's app came to the front ({@code true}) or went to the background while its socket stays open. */
    public void setActive(DeviceCredentials as, boolean active) {
        exchange(
                request("/api/v1/presence/" + (active ? "online/" : "offline/") + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                204);
    }

    /** Sets this user's status ({@code available}, {@code away}, {@code busy}, {@code invisible}); null text clears it. */
    public void setStatus(DeviceCredentials as, String status, @Nullable String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (text != null) {
            body.put("statusText", text);
        }
        exchange(
                request("/api/v1/presence/status/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200);
    }

    /** {@code userId}'s presence as this device may see it. */
    public Presence presence(DeviceCredentials as, String userId) {
        checkUserId(userId);
        return presence(readJson(exchange(
                request("/api/v1/presence/" + userId)
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200)));
    }

    /** The presence of up to 1,000 users in one call, each once, in the order given. */
    public List<Presence> presences(DeviceCredentials as, List<String> userIds) {
        JsonNode json = readJson(exchange(
                request("/api/v1/presence/bulk")
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                mapper.writeValueAsString(Map.of("userIds", userIds))))
                        .build(),
                200));
        List<Presence> found = new ArrayList<>();
        for (JsonNode user : json.path("users")) {
            found.add(presence(user));
        }
        return List.copyOf(found);
    }

    /** The user started (or still is) typing in {@code conversationId}: a groupId or the 1:1 id {@code a~b}. */
    public void startTyping(DeviceCredentials as, String conversationId) {
        exchange(
                request("/api/v1/typing/" + conversationId + "/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                204);
    }

    /** The user stopped typing in {@code conversationId}. */
    public void stopTyping(DeviceCredentials as, String conversationId) {
        exchange(
                request("/api/v1/typing/" + conversationId + "/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .DELETE()
                        .build(),
                204);
    }

    /** Who is typing in {@code conversationId} now. */
    public List<String> typing(DeviceCredentials as, String conversationId) {
        List<String> users = new ArrayList<>();
        for (JsonNode user : readJson(exchange(
                        request("/api/v1/typing/" + conversationId)
                                .header("Authorization", as.basicAuthorization())
                                .GET()
                                .build(),
                        200))
                .path("typing")) {
            users.add(user.asString());
        }
        return List.copyOf(users);
    }

    /** The 1:1 conversation id of two users: their ids sorted and joined by {@code ~}. */
    public static String conversationId(String oneUser, String otherUser) {
        return oneUser.compareTo(otherUser) < 0 ? oneUser + "~" + otherUser : otherUser + "~" + oneUser;
    }

    /** Users with at least one online device now. */
    public long onlineCount(DeviceCredentials as) {
        return readJson(exchange(
                        request("/api/v1/presence/online-count")
                                .header("Authorization", as.basicAuthorization())
                                .GET()
                                .build(),
                        200))
                .path("online")
                .asLong();
    }

    private static Presence presence(JsonNode json) {
        JsonNode status = json.get("status");
        JsonNode text = json.get("statusText");
        return new Presence(
                json.path("userId").asString(),
                json.path("online").asBoolean(),
                optionalLong(json.get("lastSeen")),
                status == null || status.isNull() ? null : status.asString(),
                text == null || text.isNull() ? null : text.asString());
    }

    /** Deletes a message this device's user sent, for everyone. */
    public void deleteForEveryone(DeviceCredentials as, UUID messageId) {
        delete(as, messageId, "everyone");
    }

    /** Hides a message from this user's conversation and tells the user's other devices. */
    public void deleteForMe(DeviceCredentials as, UUID messageId) {
        delete(as, messageId, "me");
    }

    private void delete(DeviceCredentials as, UUID messageId, String scope) {
        exchange(
                request("/api/v1/messages/delete/" + as.userId() + "/" + messageId + "?for=" + scope)
                        .header("Authorization", as.basicAuthorization())
                        .DELETE()
                        .build(),
                204);
    }

    /** One page of the conversation with {@code with}, newest first; {@code before} null for the newest page. */
    public Conversation conversation(DeviceCredentials as, String with, Long before, int limit) {
        checkUserId(with);
        String query = "?with=" + with + "&limit=" + limit + (before == null ? "" : "&before=" + before);
        JsonNode json = readJson(exchange(
                request("/api/v1/messages/conversation/" + as.userId() + query)
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<Conversation.Message> messages = new ArrayList<>();
        for (JsonNode message : json.path("messages")) {
            List<Conversation.CopyStatus> copies = new ArrayList<>();
            for (JsonNode copy : message.path("recipients")) {
                copies.add(new Conversation.CopyStatus(
                        copy.path("userId").asString(),
                        copy.path("deviceId").asInt(),
                        copy.path("status").asString(),
                        optionalLong(copy.get("deliveredAt")),
                        optionalLong(copy.get("readAt"))));
            }
            messages.add(new Conversation.Message(
                    UUID.fromString(message.path("messageId").asString()),
                    message.path("sender").path("userId").asString(),
                    message.path("sender").path("deviceId").asInt(),
                    message.path("sentAt").asLong(),
                    optionalLong(message.get("expiresAt")),
                    message.path("deleted").asBoolean(),
                    List.copyOf(copies)));
        }
        return new Conversation(List.copyOf(messages), optionalLong(json.get("nextBefore")));
    }

    /** The head of this device's queue, as the frames the socket would push (for clients without a socket). */
    public List<ServerFrame> queue(DeviceCredentials as, int limit) {
        JsonNode json = readJson(exchange(
                request("/api/v1/messages/queue/" + as.userId() + "/" + as.deviceId() + "?limit=" + limit)
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        FrameParser frames = new FrameParser();
        List<ServerFrame> head = new ArrayList<>();
        json.path("envelopes").forEach(frame -> head.add(frames.parse(frame.toString())));
        return head;
    }

    /** Acknowledges queue entries by messageId, as a socket ack does. */
    public void ackQueue(DeviceCredentials as, Collection<UUID> messageIds) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode ids = body.putArray("messageIds");
        messageIds.forEach(id -> ids.add(id.toString()));
        exchange(
                request("/api/v1/messages/queue/" + as.userId() + "/" + as.deviceId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .method("DELETE", HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                204);
    }

    // ---- Calls (docs/architecture.md#calls) ----

    /**
     * Starts a call to every active device of {@code calleeUserId}, one encrypted offer per device (checked like a
     * message send's copies: 409 {@code device-mismatch}, 410 {@code stale-devices}). Answers the call ringing, or
     * already ended as {@code busy}.
     */
    public CallStatus initiateCall(DeviceCredentials as, String calleeUserId, String media, List<OutgoingCopy> offers) {
        checkUserId(calleeUserId);
        ObjectNode body =
                mapper.createObjectNode().put("calleeUserId", calleeUserId).put("media", media);
        ArrayNode array = body.putArray("offers");
        for (OutgoingCopy offer : offers) {
            array.addObject()
                    .put("deviceId", offer.deviceId())
                    .put("registrationId", offer.registrationId())
                    .put("type", offer.type())
                    .put("content", base64(offer.content()));
        }
        return callStatus(readJson(exchange(
                request("/api/v1/calls/initiate/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                201)));
    }

    /** Answers a ringing call on this (callee) device with the answer encrypted for the caller's device. */
    public CallStatus answerCall(DeviceCredentials as, UUID callId, int type, byte[] answer) {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("answer").put("type", type).put("content", base64(answer));
        return callStatus(readJson(exchange(
                request("/api/v1/calls/" + callId + "/answer/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200)));
    }

    /** Declines a ringing call on this (callee) device. */
    public CallStatus declineCall(DeviceCredentials as, UUID callId) {
        return callStatus(readJson(exchange(
                request("/api/v1/calls/" + callId + "/decline/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                200)));
    }

    /** Hangs up: cancels a call still ringing (the caller), or ends an accepted one (either of its two devices). */
    public CallStatus endCall(DeviceCredentials as, UUID callId) {
        return callStatus(readJson(exchange(
                request("/api/v1/calls/" + callId + "/end/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                200)));
    }

    /** Relays a batch of ICE candidates, each encrypted for the call's other device (1..32, each at most 4 KiB). */
    public IceSent sendIceCandidates(DeviceCredentials as, UUID callId, List<OutgoingCopy> candidates) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode array = body.putArray("candidates");
        for (OutgoingCopy candidate : candidates) {
            array.addObject().put("type", candidate.type()).put("content", base64(candidate.content()));
        }
        JsonNode json = readJson(exchange(
                request("/api/v1/calls/" + callId + "/ice/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200));
        return new IceSent(
                UUID.fromString(json.path("callId").asString(callId.toString())),
                json.path("first").asLong(),
                json.path("last").asLong());
    }

    /** The ICE candidates addressed to this device with a sequence number above {@code after}, oldest first. */
    public IcePage iceCandidates(DeviceCredentials as, UUID callId, long after) {
        JsonNode json = readJson(exchange(
                request("/api/v1/calls/" + callId + "/ice?after=" + after)
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<IcePage.Candidate> candidates = new ArrayList<>();
        for (JsonNode candidate : json.path("candidates")) {
            candidates.add(new IcePage.Candidate(
                    candidate.path("seq").asLong(),
                    candidate.path("type").asInt(),
                    decode(candidate.path("content")),
                    candidate.path("sentAt").asLong()));
        }
        return new IcePage(
                UUID.fromString(json.path("callId").asString(callId.toString())),
                candidates,
                json.path("cursor").asLong(after));
    }

    /** One page of this user's calls with {@code otherUser}, newest first; {@code before} null for the newest. */
    public CallHistory callHistory(DeviceCredentials as, String otherUser, @Nullable Long before, int limit) {
        String conversationId = conversationId(as.userId(), otherUser);
        JsonNode json = readJson(exchange(
                request("/api/v1/calls/history/" + conversationId + "?limit=" + limit
                                + (before == null ? "" : "&before=" + before))
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<CallHistory.Call> calls = new ArrayList<>();
        for (JsonNode call : json.path("calls")) {
            JsonNode answeredDevice = call.get("answeredDeviceId");
            JsonNode outcome = call.get("outcome");
            calls.add(new CallHistory.Call(
                    UUID.fromString(call.path("callId").asString()),
                    call.path("callerUserId").asString(),
                    call.path("callerDeviceId").asInt(),
                    call.path("calleeUserId").asString(),
                    call.path("media").asString(),
                    call.path("startedAt").asLong(),
                    optionalLong(call.get("answeredAt")),
                    answeredDevice == null || answeredDevice.isNull() ? null : answeredDevice.asInt(),
                    optionalLong(call.get("endedAt")),
                    outcome == null || outcome.isNull() ? null : outcome.asString(),
                    optionalLong(call.get("durationMillis"))));
        }
        return new CallHistory(
                json.path("conversationId").asString(conversationId), calls, optionalLong(json.get("nextBefore")));
    }

    /** Short-lived TURN credentials for the configured TURN servers; 503 {@code turn-unavailable} when none. */
    public TurnCredentials turnCredentials(DeviceCredentials as) {
        JsonNode json = readJson(exchange(
                request("/api/v1/calls/turn")
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<String> uris = new ArrayList<>();
        json.path("uris").forEach(uri -> uris.add(uri.asString()));
        return new TurnCredentials(
                json.path("username").asString(),
                json.path("password").asString(),
                json.path("ttlSeconds").asLong(),
                uris);
    }

    private static CallStatus callStatus(JsonNode json) {
        JsonNode outcome = json.get("outcome");
        return new CallStatus(
                UUID.fromString(json.path("callId").asString()),
                json.path("state").asString(),
                outcome == null || outcome.isNull() ? null : outcome.asString(),
                optionalLong(json.get("ringUntil")),
                optionalLong(json.get("answeredAt")),
                optionalLong(json.get("durationMillis")));
    }

    // ---- MLS: KeyPackage directory and groups (docs/groups.md) ----

    /**
     * Uploads one-time KeyPackages (at most 100 per request, encoded {@code MLSMessage}s) and, when not null, a
     * last-resort KeyPackage that replaces the device's previous one. 422 {@code invalid-key-package} or
     * {@code too-many-key-packages}.
     */
    public void uploadKeyPackages(DeviceCredentials as, List<byte[]> keyPackages, byte @Nullable [] lastResort) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode array = body.putArray("keyPackages");
        keyPackages.forEach(keyPackage -> array.add(base64(keyPackage)));
        if (lastResort != null) {
            body.put("lastResort", base64(lastResort));
        }
        exchange(
                request("/api/v1/keypackages")
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                204);
    }

    /** The one-time KeyPackages the directory holds for the authenticated device, and whether a last-resort exists. */
    public KeyPackageCount keyPackageCount(DeviceCredentials as) {
        JsonNode json = readJson(exchange(
                request("/api/v1/keypackages/count")
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        return new KeyPackageCount(
                json.path("count").asInt(), json.path("lastResort").asBoolean(false));
    }

    /**
     * Claims one KeyPackage for every active device of each user; with {@code skipOwnDevices} the caller's own device
     * is left out (and, when the caller's user is listed, nothing else). 429 {@code rate-limited} when claiming too
     * often.
     */
    public KeyPackageClaim claimKeyPackages(DeviceCredentials as, Collection<String> users, boolean skipOwnDevices) {
        ObjectNode body = mapper.createObjectNode();
        ArrayNode array = body.putArray("users");
        users.forEach(user -> {
            checkUserId(user);
            array.add(user);
        });
        body.put("skipOwnDevices", skipOwnDevices);
        JsonNode json = readJson(exchange(
                request("/api/v1/keypackages/claim")
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200));
        List<KeyPackageClaim.Claimed> claimed = new ArrayList<>();
        for (JsonNode item : json.path("keyPackages")) {
            claimed.add(new KeyPackageClaim.Claimed(
                    item.path("userId").asString(),
                    item.path("deviceId").asInt(),
                    decode(item.path("keyPackage")),
                    item.path("lastResort").asBoolean(false)));
        }
        return new KeyPackageClaim(claimed, deviceRefs(json.path("missing")));
    }

    /** Creates the group with the authenticated device as leaf 0 and its user as admin; answers the epoch (0). */
    public long createGroup(DeviceCredentials as, String groupId, int cipherSuite) {
        ObjectNode body = mapper.createObjectNode().put("groupId", groupId).put("cipherSuite", cipherSuite);
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/create/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                201));
        return json.path("epoch").asLong();
    }

    /**
     * Posts an Add commit bundle built on {@code epoch}; answers the new epoch and the added devices. 409
     * {@code stale-epoch} (with the current epoch), {@code device-mismatch}, {@code already-member}; 403
     * {@code not-admin}.
     */
    public GroupMembersAdded addGroupMembers(
            DeviceCredentials as, String groupId, long epoch, byte[] commit, byte[] welcome, byte[] groupInfo) {
        ObjectNode body = bundle(epoch, commit, groupInfo).put("welcome", base64(welcome));
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/members/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200));
        return new GroupMembersAdded(json.path("epoch").asLong(), deviceRefs(json.path("added")));
    }

    /** Posts a Remove commit (all of {@code userId}'s leaves plus any pending ones) built on {@code epoch}. */
    public long removeGroupMember(
            DeviceCredentials as, String groupId, String userId, long epoch, byte[] commit, byte[] groupInfo) {
        checkUserId(userId);
        ObjectNode body = bundle(epoch, commit, groupInfo);
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/members/" + userId + "/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .method("DELETE", HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200));
        return json.path("epoch").asLong();
    }

    /**
     * Leaves the group: no commit (a member cannot commit its own removal); the user's leaves become pending removals
     * that the remaining members commit. Answers the unchanged epoch.
     */
    public long leaveGroup(DeviceCredentials as, String groupId) {
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/members/" + as.userId() + "/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .DELETE()
                        .build(),
                200));
        return json.path("epoch").asLong();
    }

    /** Posts an update (key rotation) commit, which may carry the pending removals only, built on {@code epoch}. */
    public long commitGroup(DeviceCredentials as, String groupId, long epoch, byte[] commit, byte[] groupInfo) {
        ObjectNode body = bundle(epoch, commit, groupInfo);
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/commit/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                200));
        return json.path("epoch").asLong();
    }

    /**
     * Sends an application message (an encoded {@code MLSMessage} PrivateMessage) to every other member device. 409
     * {@code stale-epoch} when its epoch is older than current−2; 403 {@code not-a-member}.
     */
    public GroupSendResult sendGroupMessage(
            DeviceCredentials as,
            String groupId,
            byte[] message,
            @Nullable String idempotencyKey,
            @Nullable Long expiresAt) {
        ObjectNode body = mapper.createObjectNode().put("message", base64(message));
        if (idempotencyKey != null) {
            body.put("idempotencyKey", idempotencyKey);
        }
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/send/" + as.userId())
                        .header("Authorization", as.basicAuthorization())
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                        .build(),
                201));
        return new GroupSendResult(
                UUID.fromString(json.path("messageId").asString()),
                json.path("epoch").asLong(),
                json.path("recipientDevices").asInt());
    }

    /** The group as projected by the gateway (members only). */
    public GroupSummary group(DeviceCredentials as, String groupId) {
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId)
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<String> admins = new ArrayList<>();
        json.path("admins").forEach(admin -> admins.add(admin.asString()));
        return new GroupSummary(
                json.path("groupId").asString(groupId),
                json.path("epoch").asLong(),
                json.path("memberCount").asInt(),
                json.path("deviceCount").asInt(),
                admins,
                json.path("cipherSuite").asInt());
    }

    /** The group's member users, their devices and leaf indexes, as projected by the gateway (members only). */
    public List<GroupMember> groupMembers(DeviceCredentials as, String groupId) {
        JsonNode json = readJson(exchange(
                request("/api/v1/groups/" + groupId + "/members")
                        .header("Authorization", as.basicAuthorization())
                        .GET()
                        .build(),
                200));
        List<GroupMember> members = new ArrayList<>();
        for (JsonNode member : json.path("members")) {
            List<GroupMember.Device> devices = new ArrayList<>();
            member.path("devices")
                    .forEach(device -> devices.add(new GroupMember.Device(
                            device.path("deviceId").asInt(),
                            device.path("leafIndex").asInt())));
            members.add(new GroupMember(
                    member.path("userId").asString(), member.path("admin").asBoolean(), devices));
        }
        return members;
    }

    private ObjectNode bundle(long epoch, byte[] commit, byte[] groupInfo) {
        return mapper.createObjectNode()
                .put("epoch", epoch)
                .put("commit", base64(commit))
                .put("groupInfo", base64(groupInfo));
    }

    private static List<DeviceRef> deviceRefs(JsonNode array) {
        List<DeviceRef> devices = new ArrayList<>();
        for (JsonNode item : array) {
            devices.add(new DeviceRef(
                    item.path("userId").asString(), item.path("deviceId").asInt()));
        }
        return devices;
    }

    private static @Nullable Long optionalLong(@Nullable JsonNode node) {
        return node == null || node.isNull() ? null : node.asLong();
    }

    private void putKey(ObjectNode node, PublicPreKey key) {
        node.put("keyId", key.keyId());
        node.put("publicKey", base64(key.publicKey()));
        if (key.signature() != null) {
            node.put("signature", base64(key.signature()));
        }
    }

    private void putKeys(ArrayNode array, List<PublicPreKey> keys) {
        keys.forEach(key -> putKey(array.addObject(), key));
    }

    private static PublicPreKey readKey(JsonNode node) {
        return new PublicPreKey(
                node.path("keyId").asInt(),
                decode(node.path("publicKey")),
                node.hasNonNull("signature") ? decode(node.get("signature")) : null);
    }

    private static PreKeyStats readStats(JsonNode json) {
        return new PreKeyStats(
                json.path("ecPreKeys").asInt(),
                json.path("pqPreKeys").asInt(),
                json.path("signedPreKeyAgeSeconds").asLong(),
                json.path("pqLastResortPreKeyAgeSeconds").asLong());
    }

    private static byte[] decode(JsonNode node) {
        try {
            return Base64.getDecoder().decode(node.asString());
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("bad base64 in response", e));
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private String sendBody(
            String destination, String idempotencyKey, List<OutgoingCopy> copies, @Nullable Duration expiresIn) {
        return mapper.writeValueAsString(SendBody.of(destination, idempotencyKey, copies, expiresIn));
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
            throw new UncheckedIOException(
                    new InterruptedIOException("interrupted: " + request.uri().getPath()));
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
        return e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + " " + e.getMessage();
    }

    private static void checkUserId(String userId) {
        if (userId == null || !USER_ID.matcher(userId).matches()) {
            throw new IllegalArgumentException("userId must match [A-Za-z0-9_-]{1,64}: " + userId);
        }
    }
}
