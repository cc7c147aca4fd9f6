package io.socialink.client.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeviceCredentialsTest {

    @Test
    void shouldAuthenticateAsUserDotDeviceWithTheSecret() {
        // given
        DeviceCredentials credentials = new DeviceCredentials("bob", 2, "s3cret", 17);

        // when
        String header = credentials.basicAuthorization();

        // then
        assertThat(header).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8))
                .isEqualTo("bob.2:s3cret");
        assertThat(credentials.address()).isEqualTo("bob.2");
    }

    @Test
    void shouldKeepTheSecretOutOfToString() {
        // given
        DeviceCredentials credentials = new DeviceCredentials("bob", 2, "s3cret", 17);

        // then
        assertThat(credentials.toString()).doesNotContain("s3cret").contains("bob.2");
    }

    @Test
    void shouldGenerateIdentityKeysOfTheLibsignalShape() {
        // when
        byte[] key = DeviceKeys.randomIdentityKey();
        int registrationId = DeviceKeys.randomRegistrationId();

        // then
        assertThat(key).hasSize(33);
        assertThat(key[0]).isEqualTo((byte) 0x05);
        assertThat(registrationId).isBetween(1, 16380);
    }
}
