package io.socialink.analytics.topology;

import io.socialink.schemas.avro.CallMetadata;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns {@code metadata.calls} into facts: each ended call counts once on the UTC day it ended, by outcome, and an
 * answered call adds its length. call-signaling writes one {@code ended} record per call in the transaction that
 * ends it, so a call is counted once unless the record is read twice (at least once, like the other metadata).
 */
final class CallFacts implements Processor<String, CallMetadata, String, String> {

    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, CallMetadata> record) {
        CallMetadata call = record.value();
        if (call == null || !"ended".equals(call.getKind()) || call.getOutcome() == null) {
            return;
        }
        String day = Fact.day(call.getAt());
        context.forward(record.withKey(day).withValue(new Fact(Fact.Type.CALL_ENDED, call.getOutcome(), 1).encode()));
        if (call.getDurationMillis() > 0) {
            context.forward(record.withKey(day)
                    .withValue(Fact.of(Fact.Type.CALL_DURATION, call.getDurationMillis())
                            .encode()));
        }
    }
}
