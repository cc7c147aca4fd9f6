package io.socialink.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeviceAddressTest {

    @Test
    void shouldParseAndFormatUserDotDevice() {
        // when
        DeviceAddress address = DeviceAddress.parse("bob_-9.12");

        // then
        assertThat(address).isEqualTo(new DeviceAddress("bob_-9", 12));
        assertThat(address.toString()).isEqualTo("bob_-9.12");
    }

    @Test
    void shouldRejectMalformedAddresses() {
        for (String bad : new String[] {
            "bob",
            "bob.",
            ".1",
            "bob.0",
            "bob.01",
            "bob.-1",
            "bob.1x",
            "b b.1",
            "bob.99999999999",
            "bob.2147483648",
            "x".repeat(65) + ".1",
            "a.b.1"
        }) {
            assertThatThrownBy(() -> DeviceAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldValidateUserIdsAgainstTheIdentifierAlphabet() {
        assertThat(DeviceAddress.isValidUserId("Az09_-")).isTrue();
        assertThat(DeviceAddress.isValidUserId("x".repeat(64))).isTrue();
        for (String bad : new String[] {null, "", "x".repeat(65), "a.b", "a b", "é", "a/b", "a:b"}) {
            assertThat(DeviceAddress.isValidUserId(bad)).as(bad).isFalse();
        }
    }

    @Test
    void shouldAcceptTheLargestDeviceId() {
        assertThat(DeviceAddress.parse("bob.2147483647").deviceId()).isEqualTo(Integer.MAX_VALUE);
    }
}
