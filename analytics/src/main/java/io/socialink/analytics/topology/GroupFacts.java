package io.socialink.analytics.topology;

import io.socialink.schemas.avro.GroupMetadata;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns {@code metadata.groups} (one record per command group-fanout decided) into facts: a group message per
 * {@code message}, groups created, devices added and removed (churn), each group's size after the command, and the
 * acting device as active on its day. Rejected commands add nothing.
 */
final class GroupFacts implements Processor<String, GroupMetadata, String, String> {

    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, GroupMetadata> record) {
        GroupMetadata event = record.value();
        if (event == null || event.getKind().equals("rejected")) {
            return;
        }
        Instant at = event.getAt();
        switch (event.getKind()) {
            case "message" -> emit(record, Fact.minute(at), Fact.of(Fact.Type.GROUP_MESSAGE, 1));
            case "created" -> emit(record, Fact.day(at), Fact.of(Fact.Type.GROUP_CREATED, 1));
            case "members-added" ->
                emit(record, Fact.day(at), Fact.of(Fact.Type.DEVICES_ADDED, event.getChangedDevices()));
            case "members-removed", "member-left" ->
                emit(record, Fact.day(at), Fact.of(Fact.Type.DEVICES_REMOVED, event.getChangedDevices()));
            default -> {
                // epoch-updated: no change of size or members
            }
        }
        emit(
                record,
                Fact.day(at),
                new Fact(Fact.Type.GROUP_SIZE, Fact.subject(event.getGroupId()), event.getMemberUsers()));
        emit(
                record,
                Fact.day(at),
                new Fact(
                        Fact.Type.ACTIVE_DEVICE,
                        Fact.subject(event.getActorUserId() + "." + event.getActorDeviceId()),
                        1));
    }

    private void emit(Record<String, GroupMetadata> record, String figure, Fact fact) {
        context.forward(record.withKey(figure).withValue(fact.encode()));
    }
}
