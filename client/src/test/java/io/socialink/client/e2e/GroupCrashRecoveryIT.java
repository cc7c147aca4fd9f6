package io.socialink.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.client.api.SocialinkClient;
import io.socialink.client.mls.GroupIds;
import io.socialink.client.mls.MlsDevice;
import io.socialink.testing.KafkaTestEnv;
import io.socialink.testing.LocalKafka;
import io.socialink.testing.LocalPostgres;
import io.socialink.testing.LocalRedis;
import io.socialink.testing.PostgresTestEnv;
import io.socialink.testing.RedisTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A group message answered 201 survives a crash of group-fanout: it is killed with SIGKILL while a member keeps
 * sending, started again, and the other member decrypts every acknowledged message exactly once, in order. The
 * 201 comes only after group-fanout's transaction with the copies committed, so there is nothing to lose.
 */
@ExtendWith({LocalKafka.class, LocalPostgres.class, LocalRedis.class})
class GroupCrashRecoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private static LocalSystem system;

    @BeforeAll
    static void startSystem(KafkaTestEnv kafka, PostgresTestEnv postgres, RedisTestEnv redis) throws Exception {
        system = LocalSystem.withGroups(kafka, postgres, redis, Map.of()).start();
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void shouldLoseNoAcknowledgedGroupMessageWhenGroupFanoutIsKilled() throws Exception {
        // given alice and bob in a group, and alice sending without pause in the background
        SocialinkClient client = system.client();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (MlsDevice alice = MlsDevice.online(client, "alice-" + suffix);
                MlsDevice bob = MlsDevice.online(client, "bob-" + suffix)) {
            String group = GroupIds.random();
            alice.groups().create(group);
            alice.groups().add(group, List.of(bob.credentials().userId()));
            assertThat(bob.inbox().awaitJoined(group, WAIT)).isTrue();
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = new Thread(
                    () -> {
                        for (int i = 0; sending.get(); i++) {
                            String text = "group-msg-" + i;
                            try {
                                alice.groups().send(group, text.getBytes(StandardCharsets.UTF_8));
                                acknowledged.add(text);
                            } catch (RuntimeException unavailable) {
                                // no verdict in time (503) or the gateway refused: not acknowledged, no promise made
                                pause(100);
                            }
                        }
                    },
                    "group-sender");
            sender.start();

            // when group-fanout is killed mid-run and started again while the sends go on
            awaitAcks(acknowledged, 30);
            system.groupFanout().kill();
            int beforeRestart = acknowledged.size();
            system.groupFanout().start();
            awaitAcks(acknowledged, beforeRestart + 30);
            sending.set(false);
            sender.join(TimeUnit.MINUTES.toMillis(2));

            // then bob decrypted every acknowledged message, once each, in the order they were acknowledged
            List<String> expected = List.copyOf(acknowledged);
            assertThat(bob.inbox().await(() -> bob.inbox().texts(group).containsAll(expected), WAIT))
                    .as("bob decrypted all %d acknowledged messages", expected.size())
                    .isTrue();
            List<String> received = bob.inbox().texts(group);
            assertThat(received).doesNotHaveDuplicates();
            assertThat(received.stream().filter(expected::contains).toList()).containsExactlyElementsOf(expected);
            assertThat(bob.inbox().undecryptable()).isEmpty();
        }
    }

    private static void awaitAcks(List<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (acknowledged.size() < count) {
            assertThat(System.nanoTime()).as("%d acknowledged sends", count).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
