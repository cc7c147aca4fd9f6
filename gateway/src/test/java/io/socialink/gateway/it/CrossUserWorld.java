package io.socialink.gateway.it;

import io.socialink.gateway.groups.MlsTestDevice;
import io.socialink.gateway.it.GatewayApp.Device;
import io.socialink.gateway.it.GatewayApp.Response;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.topics.Topics;
import io.socialink.testing.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The users of the cross-user suites: a victim with two devices, stored KeyPackages, a message it received from
 * {@code carol} and a group it created; an attacker with a device of its own. Every resource the victim owns is real,
 * so a refused call is refused for the right reason and not because the target does not exist.
 */
final class CrossUserWorld {

    final Device victim;
    final Device victimSibling;
    final Device attacker;
    final Device carol;
    final String victimMessageId;
    final String victimGroupId;

    private CrossUserWorld(
            Device victim,
            Device victimSibling,
            Device attacker,
            Device carol,
            String victimMessageId,
            String victimGroupId) {
        this.victim = victim;
        this.victimSibling = victimSibling;
        this.attacker = attacker;
        this.carol = carol;
        this.victimMessageId = victimMessageId;
        this.victimGroupId = victimGroupId;
    }

    static CrossUserWorld create(GatewayApp app, KafkaTestEnv kafka) {
        String victimId = GatewayApp.unique("victim");
        Device victim = app.register(victimId, 101);
        Device sibling = app.register(victimId, 102);
        Device attacker = app.register(GatewayApp.unique("attacker"), 201);
        Device carol = app.register(GatewayApp.unique("carol"), 301);
        uploadKeyPackage(app, victim);
        uploadKeyPackage(app, sibling);
        String messageId = receivedMessage(app, carol, victim, sibling);
        String groupId = createdGroup(app, kafka, victim);
        return new CrossUserWorld(victim, sibling, attacker, carol, messageId, groupId);
    }

    private static void uploadKeyPackage(GatewayApp app, Device device) {
        MlsTestDevice mls = new MlsTestDevice(device.address());
        Response response = app.put(
                "/api/v1/keypackages",
                device.authorization(),
                GatewayApp.JSON.writeValueAsString(Map.of(
                        "keyPackages",
                        List.of(base64(mls.keyPackageMessage())),
                        "lastResort",
                        base64(mls.keyPackageMessage()))));
        require(response, 204);
    }

    /** A message carol sent to both victim devices, once the victim's conversation shows it. */
    private static String receivedMessage(GatewayApp app, Device carol, Device victim, Device sibling) {
        String body = "{\"destination\":\"" + victim.userId() + "\",\"idempotencyKey\":\"k1\",\"messages\":["
                + copy(victim) + "," + copy(sibling) + "]}";
        Response sent = app.post("/api/v1/messages/send/" + carol.userId(), carol.authorization(), body);
        require(sent, 201);
        String messageId = sent.json().get("messageId").asString();
        await(
                app,
                "/api/v1/messages/conversation/" + victim.userId() + "?with=" + carol.userId(),
                victim,
                response -> response.status() == 200 && response.body().contains(messageId));
        return messageId;
    }

    private static String copy(Device device) {
        return "{\"userId\":\"" + device.userId() + "\",\"deviceId\":" + device.deviceId() + ",\"registrationId\":"
                + device.registrationId() + ",\"type\":3,\"content\":\""
                + base64("hello".getBytes(StandardCharsets.UTF_8)) + "\"}";
    }

    /** A group the victim created, from its event on group.events, once the projection shows it. */
    private static String createdGroup(GatewayApp app, KafkaTestEnv kafka, Device victim) {
        String groupId = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        GroupEvent created = GroupEvent.newBuilder()
                .setGroupId(groupId)
                .setRequestId(UUID.randomUUID().toString())
                .setActorUserId(victim.userId())
                .setActorDeviceId(victim.deviceId())
                .setEpoch(0)
                .setAt(Instant.now())
                .setEvent(GroupCreated.newBuilder().setCipherSuite(1).build())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            String topic = kafka.layout().name(Topics.GROUP_EVENTS);
            producer.send(new ProducerRecord<>(
                            topic,
                            groupId.getBytes(StandardCharsets.UTF_8),
                            Topics.GROUP_EVENTS.valueSerde().serializer().serialize(topic, created)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await(app, "/api/v1/groups/" + groupId, victim, response -> response.status() == 200);
        return groupId;
    }

    private static void await(GatewayApp app, String path, Device device, Predicate<Response> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response response = app.get(path, device.authorization());
        while (!done.test(response)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + path + ": " + response);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            response = app.get(path, device.authorization());
        }
    }

    private static void require(Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("setup request failed: " + response.status() + " " + response.body());
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
