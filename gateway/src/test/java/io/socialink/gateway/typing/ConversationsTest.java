package io.socialink.gateway.typing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** The 1:1 conversation id rules the call history shares with typing. */
class ConversationsTest {

    private static final DeviceAddress BOB = new DeviceAddress("bob", 2);

    @Test
    void shouldSortTheTwoUsersOfAOneToOneConversation() {
        assertThat(Conversations.oneToOne("bob", "alice")).isEqualTo("alice~bob");
        assertThat(Conversations.oneToOne("alice", "bob")).isEqualTo("alice~bob");
        assertThat(Conversations.oneToOne("Zed", "alice")).isEqualTo("Zed~alice");
        assertThatThrownBy(() -> Conversations.oneToOne("bob", "bob")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTheOtherUserForAParticipant() {
        assertThat(Conversations.otherUser(BOB, "alice~bob")).isEqualTo("alice");
        assertThat(Conversations.otherUser(BOB, "bob~carol")).isEqualTo("carol");
    }

    @Test
    void shouldRefuseMalformedIdsAndOutsiders() {
        for (String malformed :
                new String[] {"bob~alice", "bob~bob", "alice~", "~bob", "groupid", "a~b~bob", "al ice~bob"}) {
            assertThatThrownBy(() -> Conversations.otherUser(BOB, malformed))
                    .as(malformed)
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> assertThat(e.problem().name()).isEqualTo("bad-request"));
        }
        assertThatThrownBy(() -> Conversations.otherUser(BOB, "alice~carol"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status().value()).isEqualTo(403);
                    assertThat(e.problem().name()).isEqualTo("forbidden");
                });
    }
}
