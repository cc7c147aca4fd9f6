package io.socialink.gateway.calls;

import io.socialink.gateway.typing.Conversations;
import io.socialink.schemas.avro.CallAccepted;
import io.socialink.schemas.avro.CallEnded;
import io.socialink.schemas.avro.CallEvent;
import io.socialink.schemas.avro.CallInitiated;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Folds {@code call.events} into {@code call_history}, a batch in one transaction and in event order: CallInitiated
 * creates the row (its 1:1 conversation, media, start), CallAccepted records the answer, CallEnded the end, outcome
 * and duration. Idempotent: each write fills only what is still empty, so an event applied again (at-least-once
 * consumption) or late changes nothing. An event of a call whose CallInitiated was never seen (it precedes every
 * other event of the call on the call's partition) has no row to update and is dropped.
 */
@Component
public class CallHistoryProjector {

    private static final Logger log = LoggerFactory.getLogger(CallHistoryProjector.class);

    private final CallHistoryRepository history;
    private final TransactionalOperator transactions;

    public CallHistoryProjector(CallHistoryRepository history, TransactionalOperator transactions) {
        this.history = history;
        this.transactions = transactions;
    }

    public Mono<Void> applyAll(List<CallEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(events).concatMap(this::apply).then().as(transactions::transactional);
    }

    private Mono<Void> apply(CallEvent event) {
        Object payload = event.getEvent();
        if (payload instanceof CallInitiated initiated) {
            if (initiated.getCallerUserId().equals(initiated.getCalleeUserId())) {
                // the gateway refuses a call to oneself; such an event has no 1:1 conversation to go to
                log.warn("call {} to its own caller not projected", event.getCallId());
                return Mono.empty();
            }
            return history.initiated(
                    event.getCallId(),
                    initiated.getCallerUserId(),
                    initiated.getCallerDeviceId(),
                    initiated.getCalleeUserId(),
                    Conversations.oneToOne(initiated.getCallerUserId(), initiated.getCalleeUserId()),
                    initiated.getMedia().name().toLowerCase(Locale.ROOT),
                    event.getAt());
        }
        if (payload instanceof CallAccepted accepted) {
            return history.accepted(event.getCallId(), accepted.getCalleeDeviceId(), event.getAt());
        }
        if (payload instanceof CallEnded ended) {
            return history.ended(
                    event.getCallId(),
                    ended.getOutcome().name().toLowerCase(Locale.ROOT),
                    ended.getDurationMillis(),
                    event.getAt());
        }
        return Mono.empty();
    }
}
