package io.socialink.gateway.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.socialink.gateway.auth.DeviceAddress;
import io.socialink.gateway.keypackages.KeyPackages;
import io.socialink.gateway.mls.InvalidMlsMessageException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.protocol.Group;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The framing checks against real MLS messages made with bcmls, and against broken ones. */
class MlsFramingTest {

    private static final byte[] GROUP_ID = "group-framing-test".getBytes(StandardCharsets.UTF_8);

    private static MlsTestDevice alice;
    private static MlsTestDevice bob1;
    private static MlsTestDevice bob2;
    private static MlsTestDevice carol;
    private static KeyPackage bob1Kp;
    private static KeyPackage bob2Kp;
    private static KeyPackage carolKp;
    private static MlsTestDevice.Bundle addBundle;
    private static MlsTestDevice.Bundle removeAndAddBundle;
    private static byte[] application;

    @BeforeAll
    static void buildMessages() {
        alice = new MlsTestDevice("alice.1");
        bob1 = new MlsTestDevice("bob.1");
        bob2 = new MlsTestDevice("bob.2");
        carol = new MlsTestDevice("carol.3");
        bob1Kp = bob1.keyPackage();
        bob2Kp = bob2.keyPackage();
        carolKp = carol.keyPackage();
        Group group = alice.createGroup(GROUP_ID);
        addBundle = MlsTestDevice.commit(group, List.of(bob1Kp, bob2Kp), List.of());
        removeAndAddBundle = MlsTestDevice.commit(addBundle.next(), List.of(carolKp), List.of(1, 2));
        application = MlsTestDevice.applicationMessage(removeAndAddBundle.next(), "hello");
    }

    @Test
    void shouldReadAddsOfACommitWithTheirRefsAndDevices() throws Exception {
        // when
        MlsFraming.CommitInfo commit = MlsFraming.commit(addBundle.commit(), GROUP_ID);

        // then
        assertThat(commit.epoch()).isZero();
        assertThat(commit.removedLeaves()).isEmpty();
        assertThat(commit.adds())
                .extracting(MlsFraming.Add::device)
                .containsExactly(new DeviceAddress("bob", 1), new DeviceAddress("bob", 2));
        assertThat(commit.adds().get(0).keyPackageRef()).isEqualTo(KeyPackages.ref(bob1Kp));
        assertThat(commit.adds().get(1).keyPackageRef()).isEqualTo(KeyPackages.ref(bob2Kp));
    }

    @Test
    void shouldReadRemovesAndAddsOfOneCommit() throws Exception {
        // when
        MlsFraming.CommitInfo commit = MlsFraming.commit(removeAndAddBundle.commit(), GROUP_ID);

        // then
        assertThat(commit.epoch()).isEqualTo(1);
        assertThat(commit.removedLeaves()).containsExactly(1, 2);
        assertThat(commit.adds()).extracting(MlsFraming.Add::device).containsExactly(new DeviceAddress("carol", 3));
    }

    @Test
    void shouldReadTheRefsAWelcomeAddresses() throws Exception {
        // when
        List<byte[]> refs = MlsFraming.welcomeRefs(addBundle.welcome());

        // then
        assertThat(refs).hasSize(2);
        assertThat(refs).anySatisfy(ref -> assertThat(ref).isEqualTo(KeyPackages.ref(bob1Kp)));
        assertThat(refs).anySatisfy(ref -> assertThat(ref).isEqualTo(KeyPackages.ref(bob2Kp)));
    }

    @Test
    void shouldReadTheEpochOfAnApplicationMessage() throws Exception {
        // when
        long epoch = MlsFraming.applicationMessage(application, GROUP_ID);

        // then
        assertThat(epoch).isEqualTo(2);
    }

    @Test
    void shouldReadTheGroupInfoOfTheNextEpoch() throws Exception {
        // when
        long epoch = MlsFraming.groupInfo(addBundle.groupInfo(), GROUP_ID);

        // then
        assertThat(epoch).isEqualTo(1);
    }

    @Test
    void shouldRejectTruncatedMessages() {
        // given
        byte[] commit = addBundle.commit();
        byte[] message = application;

        // then
        for (int cut : new int[] {0, 1, 3, 4, 10, commit.length / 2, commit.length - 1}) {
            assertThatThrownBy(() -> MlsFraming.commit(Arrays.copyOf(commit, cut), GROUP_ID))
                    .isInstanceOf(InvalidMlsMessageException.class);
        }
        assertThatThrownBy(() -> MlsFraming.applicationMessage(Arrays.copyOf(message, message.length - 1), GROUP_ID))
                .isInstanceOf(InvalidMlsMessageException.class);
        assertThatThrownBy(() -> MlsFraming.welcomeRefs(Arrays.copyOf(addBundle.welcome(), 40)))
                .isInstanceOf(InvalidMlsMessageException.class);
    }

    @Test
    void shouldRejectTrailingBytes() {
        // given
        byte[] padded = Arrays.copyOf(addBundle.commit(), addBundle.commit().length + 1);

        // then
        assertThatThrownBy(() -> MlsFraming.commit(padded, GROUP_ID)).isInstanceOf(InvalidMlsMessageException.class);
    }

    @Test
    void shouldRejectGarbage() {
        // given
        byte[] zeros = new byte[64];
        byte[] text = "this is not an MLS message at all".getBytes(StandardCharsets.UTF_8);
        byte[] hugeLength = {0, 1, 0, 1, (byte) 0xbf, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
        byte[] random = new byte[500];
        new java.util.Random(7).nextBytes(random);

        // then
        for (byte[] garbage : List.of(zeros, text, hugeLength, random, new byte[0])) {
            assertThatThrownBy(() -> MlsFraming.commit(garbage, GROUP_ID))
                    .isInstanceOf(InvalidMlsMessageException.class);
            assertThatThrownBy(() -> MlsFraming.applicationMessage(garbage, GROUP_ID))
                    .isInstanceOf(InvalidMlsMessageException.class);
            assertThatThrownBy(() -> MlsFraming.welcomeRefs(garbage)).isInstanceOf(InvalidMlsMessageException.class);
        }
    }

    @Test
    void shouldRejectAnotherGroupsId() {
        // given
        byte[] other = "another-group".getBytes(StandardCharsets.UTF_8);

        // then
        assertThatThrownBy(() -> MlsFraming.commit(addBundle.commit(), other))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("another group");
        assertThatThrownBy(() -> MlsFraming.applicationMessage(application, other))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("another group");
        assertThatThrownBy(() -> MlsFraming.groupInfo(addBundle.groupInfo(), other))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("another group");
    }

    @Test
    void shouldRejectTheWrongWireFormat() {
        // then: a PrivateMessage is no commit, a commit no application message, a KeyPackage neither
        assertThatThrownBy(() -> MlsFraming.commit(application, GROUP_ID))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("wire format");
        assertThatThrownBy(() -> MlsFraming.applicationMessage(addBundle.commit(), GROUP_ID))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("wire format");
        assertThatThrownBy(() -> MlsFraming.commit(bob1.keyPackageMessage(), GROUP_ID))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("wire format");
        assertThatThrownBy(() -> MlsFraming.welcomeRefs(addBundle.commit()))
                .isInstanceOf(InvalidMlsMessageException.class)
                .hasMessageContaining("wire format");
    }
}
