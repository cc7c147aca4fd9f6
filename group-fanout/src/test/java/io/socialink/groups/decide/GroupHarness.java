package io.socialink.groups.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.groups.state.GroupState;
import io.socialink.schemas.avro.GroupCommand;
import io.socialink.schemas.avro.GroupEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One group run through decide and evolve, as the processor does, keeping every event like the event store. */
final class GroupHarness {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:01Z");

    private final GroupDecider decider;
    private final List<GroupEvent> store = new ArrayList<>();
    private GroupState state;

    GroupHarness(int maxMembers) {
        decider = new GroupDecider(maxMembers);
    }

    GroupHarness() {
        this(1500);
    }

    Decision run(GroupCommand command) {
        Decision decision = decider.decide(command, state, NOW);
        state = GroupEvolver.evolve(state, decision.events());
        store.addAll(decision.events());
        return decision;
    }

    /** Runs a command that must be accepted. */
    Decision accept(GroupCommand command) {
        Decision decision = run(command);
        assertThat(decision.reply().getProblemType())
                .as("problem of " + command.getCommand())
                .isNull();
        return decision;
    }

    GroupState state() {
        return state;
    }

    List<GroupEvent> events() {
        return store;
    }
}
