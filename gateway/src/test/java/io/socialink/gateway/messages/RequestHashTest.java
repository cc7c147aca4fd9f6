package io.socialink.gateway.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.socialink.gateway.auth.DeviceAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHashTest {

    private static final DeviceAddress ALICE = new DeviceAddress("alice", 1);

    private static ValidSend send(String content, Long expiresIn) {
        return new ValidSend(
                ALICE,
                "bob",
                "k-1",
                List.of(
                        new Copy("bob", 1, 7, 3, content.getBytes(StandardCharsets.UTF_8)),
                        new Copy("bob", 2, 8, 3, content.getBytes(StandardCharsets.UTF_8))),
                expiresIn);
    }

    @Test
    void shouldHashTheSameRequestTheSame() {
        // then
        assertThat(RequestHash.of(send("x", null))).isEqualTo(RequestHash.of(send("x", null)));
        assertThat(RequestHash.ofGroupMessage("g", new byte[] {1, 2}, 5L))
                .isEqualTo(RequestHash.ofGroupMessage("g", new byte[] {1, 2}, 5L));
    }

    @Test
    void shouldHashAnyDifferenceDifferently() {
        // given
        String hash = RequestHash.of(send("x", null));

        // then
        assertThat(RequestHash.of(send("y", null))).isNotEqualTo(hash);
        assertThat(RequestHash.of(send("x", 60L))).isNotEqualTo(hash);
        assertThat(RequestHash.of(new ValidSend(
                        ALICE,
                        "bob",
                        "k-1",
                        List.of(new Copy("bob", 1, 7, 3, "x".getBytes(StandardCharsets.UTF_8))),
                        null)))
                .isNotEqualTo(hash);
        assertThat(RequestHash.ofGroupMessage("g", new byte[] {1, 2}, null))
                .isNotEqualTo(RequestHash.ofGroupMessage("g", new byte[] {1, 2}, 5L))
                .isNotEqualTo(RequestHash.ofGroupMessage("h", new byte[] {1, 2}, null));
    }
}
