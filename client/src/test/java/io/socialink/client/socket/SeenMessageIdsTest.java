package io.socialink.client.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SeenMessageIdsTest {

    @Test
    void shouldReportOnlyTheFirstSighting() {
        // given
        SeenMessageIds seen = new SeenMessageIds(10);
        UUID id = UUID.randomUUID();

        // when
        boolean first = seen.firstSighting(id);
        boolean second = seen.firstSighting(id);

        // then
        assertThat(first).isTrue();
        assertThat(second).isFalse();
    }

    @Test
    void shouldEvictTheLeastRecentlySeenBeyondCapacity() {
        // given
        SeenMessageIds seen = new SeenMessageIds(2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        seen.firstSighting(a);
        seen.firstSighting(b);
        seen.firstSighting(a);

        // when
        seen.firstSighting(c);

        // then
        assertThat(seen.size()).isEqualTo(2);
        assertThat(seen.firstSighting(a)).isFalse();
        assertThat(seen.firstSighting(b)).isTrue();
    }

    @Test
    void shouldAcceptAForgottenIdAgain() {
        // given
        SeenMessageIds seen = new SeenMessageIds(10);
        UUID id = UUID.randomUUID();
        seen.firstSighting(id);

        // when
        seen.forget(id);

        // then
        assertThat(seen.firstSighting(id)).isTrue();
    }
}
