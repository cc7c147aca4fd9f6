package io.socialink.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeviceSecretsTest {

    @Test
    void shouldIssueA32ByteBase64UrlSecretWithSaltedHash() {
        // when
        DeviceSecrets.Issued issued = DeviceSecrets.issue();

        // then
        assertThat(issued.secret()).matches("[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(issued.secret())).hasSize(32);
        assertThat(issued.salt()).hasSize(DeviceSecrets.SALT_BYTES);
        assertThat(issued.hash()).hasSize(32).isEqualTo(DeviceSecrets.hash(issued.salt(), issued.secret()));
        assertThat(issued.toString()).doesNotContain(issued.secret());
    }

    @Test
    void shouldMatchOnlyTheIssuedSecret() {
        // given
        DeviceSecrets.Issued issued = DeviceSecrets.issue();
        String other = DeviceSecrets.issue().secret();

        // then
        assertThat(DeviceSecrets.matches(issued.secret(), issued.salt(), issued.hash()))
                .isTrue();
        assertThat(DeviceSecrets.matches(other, issued.salt(), issued.hash())).isFalse();
        assertThat(DeviceSecrets.matches("", issued.salt(), issued.hash())).isFalse();
        assertThat(DeviceSecrets.matches(null, issued.salt(), issued.hash())).isFalse();
    }

    @Test
    void shouldSaltEachSecretDifferently() {
        // given
        DeviceSecrets.Issued first = DeviceSecrets.issue();
        DeviceSecrets.Issued second = DeviceSecrets.issue();

        // then
        assertThat(first.salt()).isNotEqualTo(second.salt());
        assertThat(DeviceSecrets.hash(first.salt(), "same")).isNotEqualTo(DeviceSecrets.hash(second.salt(), "same"));
    }
}
