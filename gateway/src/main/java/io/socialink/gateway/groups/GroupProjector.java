package io.socialink.gateway.groups;

import io.socialink.schemas.avro.CommitAccepted;
import io.socialink.schemas.avro.GroupCreated;
import io.socialink.schemas.avro.GroupEvent;
import io.socialink.schemas.avro.MemberLeft;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Folds {@code group.events} into the group tables, a batch in one transaction and in event order: GroupCreated
 * creates the group (creator device leaf 0, creator admin), CommitAccepted moves the epoch forward and applies its
 * removed and added leaves, MemberLeft drops the user's devices at once (pending removals are no members). Messages
 * and rejections change nothing. Idempotent: re-applied events (at-least-once consumption) change nothing, because
 * a commit is applied only when its epoch is newer than the stored one and the rest are upserts and deletes.
 */
@Component
public class GroupProjector {

    private final GroupRepository groups;
    private final TransactionalOperator transactions;

    public GroupProjector(GroupRepository groups, TransactionalOperator transactions) {
        this.groups = groups;
        this.transactions = transactions;
    }

    public Mono<Void> applyAll(List<GroupEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromIterable(events).concatMap(this::apply).then().as(transactions::transactional);
    }

    private Mono<Void> apply(GroupEvent event) {
        Object payload = event.getEvent();
        if (payload instanceof GroupCreated created) {
            return groups.create(
                    event.getGroupId(),
                    created.getCipherSuite(),
                    event.getEpoch(),
                    event.getAt(),
                    event.getActorUserId(),
                    event.getActorDeviceId());
        }
        if (payload instanceof CommitAccepted commit) {
            return groups.advance(event.getGroupId(), event.getEpoch())
                    .flatMap(advanced -> advanced
                            ? groups.applyCommit(event.getGroupId(), commit.getRemoved(), commit.getAdded())
                            : Mono.empty());
        }
        if (payload instanceof MemberLeft left) {
            return groups.removeUser(event.getGroupId(), left.getUserId());
        }
        return Mono.empty();
    }
}
