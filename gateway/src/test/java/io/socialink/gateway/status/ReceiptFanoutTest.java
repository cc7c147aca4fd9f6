package io.socialink.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.schemas.avro.Delivery;
import io.socialink.schemas.avro.MessageEventType;
import io.socialink.schemas.avro.MessageMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptFanoutTest {

    private static final Map<String, Map<Integer, Integer>> ALICE_TWO_DEVICES_CAROL_ONE =
            Map.of("alice", Map.of(1, 11, 2, 12), "carol", Map.of(1, 31));

    @Test
    void shouldGiveEachSenderDeviceOneEventWithItsReceiptsOfThePollInLogOrder() {
        // given a poll: two messages of alice's phone delivered to bob, one of them read, one of carol's delivered
        List<MessageMetadata> poll = List.of(
                event("m1", MessageEventType.DELIVERED, "alice", 1, "bob", 1, 100),
                event("m2", MessageEventType.SENT, "alice", 1, "bob", 1, 101),
                event("m2", MessageEventType.DELIVERED, "alice", 1, "bob", 1, 102),
                event("m3", MessageEventType.DELIVERED, "carol", 1, "bob", 1, 103),
                event("m1", MessageEventType.READ, "alice", 1, "bob", 1, 104));

        // when
        List<Delivery> receipts = ReceiptFanout.receipts(poll, ALICE_TWO_DEVICES_CAROL_ONE);

        // then one event per sender device, its entries in log order, SENT making none
        assertThat(receipts).extracting(ReceiptFanoutTest::address).containsExactly("alice.1", "alice.2", "carol.1");
        for (Delivery aliceDevice : receipts.subList(0, 2)) {
            assertThat(aliceDevice.getEvent().getType()).isEqualTo("receipt");
            assertThat(aliceDevice.getEvent().getAttributes()).isEmpty();
            assertThat(aliceDevice.getEvent().getEntries())
                    .containsExactly(
                            entry("m1", "delivered", "bob", "1", "100"),
                            entry("m2", "delivered", "bob", "1", "102"),
                            entry("m1", "read", "bob", "1", "104"));
            assertThat(aliceDevice.getSentAt()).isEqualTo(Instant.ofEpochMilli(104));
            assertThat(aliceDevice.getEphemeral()).isFalse();
            assertThat(aliceDevice.getContent().remaining()).isZero();
        }
        assertThat(receipts.get(2).getEvent().getEntries())
                .containsExactly(entry("m3", "delivered", "bob", "1", "103"));
        assertThat(receipts).extracting(Delivery::getMessageId).doesNotHaveDuplicates();
    }

    @Test
    void shouldLeaveOutTheDeviceAReceiptIsAbout() {
        // given alice's laptop read a Note to Self of her phone
        List<MessageMetadata> poll = List.of(event("m1", MessageEventType.READ, "alice", 1, "alice", 2, 100));

        // when
        List<Delivery> receipts = ReceiptFanout.receipts(poll, ALICE_TWO_DEVICES_CAROL_ONE);

        // then only the phone hears of it
        assertThat(receipts).extracting(ReceiptFanoutTest::address).containsExactly("alice.1");
    }

    @Test
    void shouldMakeNoReceiptForAnUnknownSenderOrOtherEvents() {
        assertThat(ReceiptFanout.receipts(
                        List.of(
                                event("m1", MessageEventType.DELIVERED, "gone", 1, "bob", 1, 100),
                                event("m2", MessageEventType.EXPIRED, "alice", 1, "bob", 1, 100)),
                        ALICE_TWO_DEVICES_CAROL_ONE))
                .isEmpty();
    }

    @Test
    void shouldCutAPollsReceiptsIntoEventsOfAtMostTheEntryLimit() {
        // given
        List<MessageMetadata> poll = new ArrayList<>();
        for (int i = 0; i < ReceiptFanout.MAX_ENTRIES * 2 + 1; i++) {
            poll.add(event("m" + i, MessageEventType.DELIVERED, "carol", 1, "bob", 1, i));
        }

        // when
        List<Delivery> receipts = ReceiptFanout.receipts(poll, ALICE_TWO_DEVICES_CAROL_ONE);

        // then
        assertThat(receipts)
                .extracting(receipt -> receipt.getEvent().getEntries().size())
                .containsExactly(ReceiptFanout.MAX_ENTRIES, ReceiptFanout.MAX_ENTRIES, 1);
        assertThat(receipts.get(1).getEvent().getEntries().get(0))
                .containsEntry("targetMessageId", "m" + ReceiptFanout.MAX_ENTRIES);
    }

    @Test
    void shouldNameAnEventAfterItsAddressAndEntriesSoThatAReplayOfThePollIsDropped() {
        // given
        List<MessageMetadata> poll = List.of(
                event("m1", MessageEventType.DELIVERED, "carol", 1, "bob", 1, 100),
                event("m2", MessageEventType.DELIVERED, "carol", 1, "bob", 1, 101));

        // when
        String first =
                ReceiptFanout.receipts(poll, ALICE_TWO_DEVICES_CAROL_ONE).get(0).getMessageId();
        String replayed =
                ReceiptFanout.receipts(poll, ALICE_TWO_DEVICES_CAROL_ONE).get(0).getMessageId();
        String cutOtherwise = ReceiptFanout.receipts(poll.subList(0, 1), ALICE_TWO_DEVICES_CAROL_ONE)
                .get(0)
                .getMessageId();

        // then
        assertThat(replayed).isEqualTo(first);
        assertThat(cutOtherwise).isNotEqualTo(first);
    }

    private static String address(Delivery delivery) {
        return delivery.getRecipientUserId() + "." + delivery.getRecipientDeviceId();
    }

    private static Map<String, String> entry(String target, String status, String userId, String deviceId, String at) {
        return Map.of("targetMessageId", target, "status", status, "userId", userId, "deviceId", deviceId, "at", at);
    }

    private static MessageMetadata event(
            String messageId,
            MessageEventType type,
            String sender,
            int senderDevice,
            String recipient,
            int recipientDevice,
            long at) {
        return MessageMetadata.newBuilder()
                .setMessageId(messageId)
                .setEvent(type)
                .setSenderUserId(sender)
                .setSenderDeviceId(senderDevice)
                .setRecipientUserId(recipient)
                .setRecipientDeviceId(recipientDevice)
                .setCiphertextBytes(0)
                .setAt(Instant.ofEpochMilli(at))
                .build();
    }
}
