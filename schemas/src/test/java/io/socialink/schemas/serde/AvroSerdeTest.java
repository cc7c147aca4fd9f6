package io.socialink.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.Push;
import io.socialink.schemas.avro.PushKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<Push> serde = new AvroSerde<>(Push.class);

    @Test
    void shouldRoundTripARecordWithAnEmbeddedDelivery() {
        // given
        Delivery delivery = Delivery.newBuilder()
                .setMessageId("m-1")
                .setSenderUserId("alice")
                .setSenderDeviceId(1)
                .setRecipientUserId("bob")
                .setRecipientDeviceId(2)
                .setSentAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setCiphertextType(3)
                .setContent(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
        Push push = Push.newBuilder()
                .setConnectionId("c-1")
                .setKind(PushKind.ENVELOPE)
                .setGatewayNode(0)
                .setEnvelope(delivery)
                .build();

        // when
        Push decoded = serde.deserializer().deserialize("t", serde.serializer().serialize("t", push));

        // then
        assertThat(decoded).isEqualTo(push);
        assertThat(decoded.getEnvelope().getExpiresAt()).isNull();
    }

    @Test
    void shouldRejectBytesThatAreNotSingleObjectEncoded() {
        assertThatThrownBy(() -> serde.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void shouldRejectARecordOfAnotherType() {
        // given
        byte[] delivery = new AvroSerde<>(Delivery.class)
                .toBytes(Delivery.newBuilder()
                        .setMessageId("m")
                        .setSenderUserId("a")
                        .setSenderDeviceId(1)
                        .setRecipientUserId("b")
                        .setRecipientDeviceId(1)
                        .setSentAt(Instant.EPOCH)
                        .setCiphertextType(1)
                        .setContent(ByteBuffer.allocate(0))
                        .build());

        // then
        assertThatThrownBy(() -> serde.fromBytes(delivery)).isInstanceOf(SerializationException.class);
    }
}
