package io.socialink.client.cli;

import io.socialink.client.keys.PreKeyStats;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.store.StoredProfile;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Key directory maintenance of a stored device: prekey stats, refill, rotation and deactivation. */
@Command(
        name = "keys",
        description = "Key directory maintenance of a stored device.",
        subcommands = {
            KeysCommand.Stats.class,
            KeysCommand.Refill.class,
            KeysCommand.Rotate.class,
            KeysCommand.Deactivate.class
        })
final class KeysCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    static void print(PrintWriter out, PreKeyStats stats) {
        out.println("ecPreKeys=" + stats.ecPreKeys() + " pqPreKeys=" + stats.pqPreKeys()
                + " signedPreKeyAgeSeconds=" + stats.signedPreKeyAgeSeconds()
                + " pqLastResortPreKeyAgeSeconds=" + stats.pqLastResortPreKeyAgeSeconds());
    }

    @Command(name = "stats", description = "Print the directory's one-time prekey counts and key ages.")
    static final class Stats implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Override
        public Integer call() {
            StoredProfile profile = profileOptions.load();
            print(spec.commandLine().getOut(), profileOptions.client(profile).stats(profile.credentials()));
            return 0;
        }
    }

    @Command(name = "refill", description = "Upload one-time prekeys up to 100 of each kind; print the new counts.")
    static final class Refill implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ProfileOptions profileOptions;

        @Override
        public Integer call() {
            try (SecureMessenger messenger = profileOptions.messenger(profileOptions.load())) {
                print(spec.commandLine().getOut(), messenger.refillPreKeys());
            }
            return 0;
        }
    }

    @Command(name = "rotate", description = "Replace the signed prekey and the Kyber last-resort prekey.")
    static final class Rotate implements Callable<Integer> {

        @Mixin
        ProfileOptions profileOptions;

        @Override
        public Integer call() {
            try (SecureMessenger messenger = profileOptions.messenger(profileOptions.load())) {
                messenger.rotateKeys();
            }
            return 0;
        }
    }

    @Command(
            name = "deactivate",
            description = "Remove a device of this user (default: this device) from its "
                    + "device list; its credentials stop working.")
    static final class Deactivate implements Callable<Integer> {

        @Mixin
        ProfileOptions profileOptions;

        @Option(names = "--device", paramLabel = "N", description = "The device id (default: the profile's).")
        Integer deviceId;

        @Override
        public Integer call() {
            StoredProfile profile = profileOptions.load();
            profileOptions
                    .client(profile)
                    .deactivate(
                            profile.credentials(),
                            deviceId != null ? deviceId : profile.credentials().deviceId());
            return 0;
        }
    }
}
