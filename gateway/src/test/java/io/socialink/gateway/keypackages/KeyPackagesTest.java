package io.socialink.gateway.keypackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.groups.MlsTestDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
                .isInstanceOf(KeyPackages.InvalidKeyPackageException.class)
                .hasMessageContaining("signature");
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

    @Test
    void shouldVerifyAndHashConcurrentUploads() throws Exception {
        // given: bcmls shares one signer and one digest per cipher suite across the JVM
        List<byte[]> messages = new ArrayList<>();
        List<byte[]> refs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] message = new MlsTestDevice("bob." + (i + 1)).keyPackageMessage();
            messages.add(message);
            refs.add(KeyPackages.parseUpload(message).ref());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // when
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int device = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int n = 0; n < 200; n++) {
                        if (Arrays.equals(
                                KeyPackages.parseUpload(messages.get(device)).ref(), refs.get(device))) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }

            // then
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
