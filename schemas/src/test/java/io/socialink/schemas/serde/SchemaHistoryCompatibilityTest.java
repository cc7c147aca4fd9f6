package io.socialink.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.avro.Ack;
import io.socialink.schemas.avro.CallCommand;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallMetadata;
import io.socialink.schemas.avro.CallReply;
import io.socialink.schemas.avro.CallState;
import io.socialink.schemas.avro.ConnectionEvent;
import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.GroupMetadata;
import io.socialink.schemas.avro.GroupReply;
import io.socialink.schemas.avro.MessageMetadata;
import io.socialink.schemas.avro.Push;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the wire contract: every schema change must be kept in {@code schema-history} as a new version and
 * stay backward and forward compatible with every earlier version, so old records stay readable and old
 * consumers read new records.
 */
class SchemaHistoryCompatibilityTest {

    static Stream<Class<? extends SpecificRecordBase>> recordTypes() {
        return Stream.of(
                Delivery.class,
                ConnectionEvent.class,
                Ack.class,
                Push.class,
                MessageMetadata.class,
                GroupCommand.class,
                GroupEvent.class,
                GroupReply.class,
                GroupMetadata.class,
                CallCommand.class,
                CallEvent.class,
                CallReply.class,
                CallMetadata.class,
                CallState.class);
    }

    @Test
    void shouldEmbedTheCurrentDeliveryInAPush() {
        // Push.avsc imports Delivery.avsc; an incremental build that regenerates only Delivery leaves Push with the
        // old Delivery, which would silently drop the new fields of every pushed envelope (mvn clean fixes it)
        Schema embedded = Push.getClassSchema().getField("envelope").schema().getTypes().stream()
                .filter(type -> type.getType() == Schema.Type.RECORD)
                .findFirst()
                .orElseThrow();

        assertThat(embedded).as("Push's Delivery, regenerate with mvn clean").isEqualTo(Delivery.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void shouldKeepTheCurrentSchemaAsTheLatestHistoryVersion(Class<? extends SpecificRecordBase> type) {
        // given
        List<Schema> history = AvroSerde.history(type);

        // then
        assertThat(history)
                .as("schema-history/%s must have v1..vN", type.getSimpleName())
                .isNotEmpty();
        assertThat(history.get(history.size() - 1))
                .as(
                        "%s changed: add it as schema-history/%s/v%d.avsc",
                        type.getSimpleName(), type.getSimpleName(), history.size() + 1)
                .isEqualTo(SpecificData.get().getSchema(type));
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void shouldStayCompatibleWithEveryEarlierVersion(Class<? extends SpecificRecordBase> type) {
        // given
        Schema current = SpecificData.get().getSchema(type);

        // then
        for (Schema previous : AvroSerde.history(type)) {
            assertThat(incompatibilities(current, previous))
                    .as("%s versus an earlier version", type)
                    .isEmpty();
        }
    }

    @Test
    void shouldFlagAFieldAddedWithoutADefault() {
        // given
        Schema current = Ack.getClassSchema();
        Schema changed = withExtraField(current, new Schema.Field("added", Schema.create(Schema.Type.INT)));

        // when
        List<String> problems = incompatibilities(changed, current);

        // then
        assertThat(problems).isNotEmpty();
    }

    @Test
    void shouldAcceptAFieldAddedWithADefault() {
        // given
        Schema current = Ack.getClassSchema();
        Schema changed = withExtraField(current, new Schema.Field("added", Schema.create(Schema.Type.INT), null, 0));

        // then
        assertThat(incompatibilities(changed, current)).isEmpty();
    }

    @Test
    void shouldDecodeARecordWrittenWithTheOldestSchema() throws Exception {
        // given a record written by a producer that knows only v1
        Schema oldest = AvroSerde.history(Ack.class).get(0);
        GenericRecord old = new GenericData.Record(oldest);
        old.put("messageIds", List.of("m-1", "m-2"));
        old.put("connectionId", "c-1");
        old.put("at", 1_700_000_000_000L);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), oldest).encode(old);
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);

        // when
        Ack decoded = new AvroSerde<>(Ack.class).fromBytes(array);

        // then
        assertThat(decoded.getMessageIds()).containsExactly("m-1", "m-2");
        assertThat(decoded.getConnectionId()).isEqualTo("c-1");
    }

    /** Problems in either direction: the new reader on old data (backward), the old reader on new data (forward). */
    static List<String> incompatibilities(Schema newer, Schema older) {
        List<String> problems = new ArrayList<>();
        var backward = SchemaCompatibility.checkReaderWriterCompatibility(newer, older);
        if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add("backward: " + backward.getResult().getIncompatibilities());
        }
        var forward = SchemaCompatibility.checkReaderWriterCompatibility(older, newer);
        if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add("forward: " + forward.getResult().getIncompatibilities());
        }
        return problems;
    }

    private static Schema withExtraField(Schema schema, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(extra);
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
