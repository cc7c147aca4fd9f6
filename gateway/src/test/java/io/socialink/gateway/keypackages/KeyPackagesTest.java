package io.socialink.gateway.keypackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.groups.MlsTestDevice;
import org.junit.jupiter.api.Test;

class KeyPackagesTest {

    @Test
    void shouldReadAValidKeyPackageWithItsDeviceAndRef() throws Exception {
        // given
        byte[] message = new MlsTestDevice("bob.2").keyPackageMessage();

        // when
        KeyPackages.Parsed parsed = KeyPackages.parseUpload(message);

        // then
        assertThat(parsed.identity()).isEqualTo(new DeviceAddress("bob", 2));
        assertThat(parsed.ref()).hasSize(32);
        assertThat(parsed.message()).isEqualTo(message);
    }

    @Test
    void shouldRejectABadSignature() {
        // given: the last byte belongs to the KeyPackage's signature
        byte[] message = new MlsTestDevice("bob.2").keyPackageMessage();
        message[message.length - 1] ^= 1;

        // then
        assertThatThrownBy(() -> KeyPackages.parseUpload(message))
                .isInstanceOf(KeyPackages.InvalidKeyPackageException.class).hasMessageContaining("signature");
    }

    @Test
    void shouldRejectTruncatedKeyPackages() {
        // given
        byte[] message = new MlsTestDevice("bob.2").keyPackageMessage();

        // then
        assertThatThrownBy(() -> KeyPackages.parseUpload(Arrays.copyOf(message, message.length - 3)))
                .isInstanceOf(KeyPackages.InvalidKeyPackageException.class);
    }

    @Test
    void shouldGiveNoDeviceForAnIdentityThatIsNoDeviceAddress() throws Exception {
        // when
        KeyPackages.Parsed parsed = KeyPackages.parseUpload(new MlsTestDevice("not a device").keyPackageMessage());

        // then
        assertThat(parsed.identity()).isNull();
    }
}
