package io.socialink.groups.topology;

import static io.socialink.groups.GroupCommands.add;
import static io.socialink.groups.GroupCommands.create;
import static io.socialink.groups.GroupCommands.message;
import static io.socialink.groups.GroupCommands.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.groups.decide.GroupDecider;
import io.socialink.groups.metrics.GroupMetrics;
import io.socialink.groups.state.GroupState;
import io.socialink.groups.state.GroupStateSerde;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.streams.replies.ReplyKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupCommandProcessorTest {

    private final List<Boolean> lookups = new ArrayList<>();
    private final GroupMetrics metrics = new GroupMetrics() {
        @Override
        public void stateLookup(boolean cached) {
            lookups.add(cached);
        }
    };
    private MockProcessorContext<Object, SpecificRecord> context;
    private KeyValueStore<String, GroupState> store;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(GroupFanoutDriver.START.toEpochMilli());
        store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(GroupFanoutTopology.STATE_STORE),
                        Serdes.String(),
                        new GroupStateSerde())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
    }

    private GroupCommandProcessor processor(int cacheLeaves) {
        GroupCommandProcessor processor = new GroupCommandProcessor(new GroupDecider(1500), metrics, cacheLeaves);
        processor.init(context);
        return processor;
    }

    @Test
    void shouldForwardEventsCopiesMetadataAndTheReplyToTheirSinks() {
        // given
        GroupCommandProcessor processor = processor(100);
        process(processor, create("g1", "alice.1"));
        process(processor, add("g1", "alice.1", 0, List.of("bob.1")));
        context.resetForwards();
        GroupCommand send = message("g1", "bob.1", 1, "m1");
        send.setReplyPartition(5);

        // when
        process(processor, send);

        // then
        assertThat(context.forwarded())
                .extracting(forward -> forward.childName().orElseThrow())
                .containsExactly(
                        GroupFanoutTopology.EVENTS_SINK,
                        GroupFanoutTopology.DELIVERIES_SINK,
                        GroupFanoutTopology.METADATA_SINK,
                        GroupFanoutTopology.REPLIES_SINK);
        CapturedForward<?, ?> reply = context.forwarded().get(3);
        assertThat(reply.record().key()).isEqualTo(new ReplyKey(send.getRequestId(), 5));
        assertThat(((GroupReply) reply.record().value()).getStatus()).isEqualTo(201);
        assertThat(context.forwarded().get(1).record().key()).isEqualTo("alice.1");
    }

    @Test
    void shouldDecideAlikeWhetherAStateComesFromTheCacheOrFromTheStoreAfterAnEviction() {
        // given: room for the 3 leaves of one group
        GroupCommandProcessor processor = processor(3);
        process(processor, create("g1", "alice.1"));
        process(processor, add("g1", "alice.1", 0, List.of("bob.1", "carol.1")));
        process(processor, create("g2", "dave.1"));
        process(processor, add("g2", "dave.1", 0, List.of("erin.1")));
        lookups.clear();
        context.resetForwards();

        // when
        process(processor, message("g2", "erin.1", 1, "m1"));
        process(processor, message("g1", "bob.1", 1, "m2"));
        process(processor, update("g1", "carol.1", 1));
        process(processor, message("g1", "carol.1", 2, "m3"));

        // then
        assertThat(lookups).containsExactly(true, false, true, true);
        assertThat(replies())
                .extracting(reply -> reply.getStatus() + " " + reply.getEpoch())
                .containsExactly("201 1", "201 1", "200 2", "201 2");
        assertThat(store.get("g1").epoch()).isEqualTo(2);
    }

    @Test
    void shouldReadTheStoreAgainAfterReinitialisationSoARestoredStateIsNotShadowed() {
        // given
        GroupCommandProcessor processor = processor(100);
        process(processor, create("g1", "alice.1"));
        GroupState beforeCommit = store.get("g1");
        process(processor, update("g1", "alice.1", 0));
        // an aborted transaction: the task restores the store from the changelog, then initialises again
        store.put("g1", beforeCommit);
        processor.close();
        processor.init(context);
        context.resetForwards();

        // when
        process(processor, update("g1", "alice.1", 0));

        // then
        assertThat(replies()).extracting(GroupReply::getStatus).containsExactly(200);
        assertThat(store.get("g1").epoch()).isEqualTo(1);
    }

    private void process(GroupCommandProcessor processor, GroupCommand command) {
        processor.process(new Record<>(command.getGroupId(), command, 0L));
    }

    private List<GroupReply> replies() {
        return context.forwarded(GroupFanoutTopology.REPLIES_SINK).stream()
                .map(forward -> (GroupReply) forward.record().value())
                .toList();
    }
}
