package io.socialink.client.cli;

import io.socialink.client.api.SendResult;
import io.socialink.client.signal.SecureMessenger;
import io.socialink.client.store.StoredProfile;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends a text, end-to-end encrypted once per device, to every device of a user and to the sender's other devices;
 * prints the messageId.
 */
@Command(
        name = "send",
        description =
                "Send an encrypted text to all devices of a user (and your other devices); " + "prints the messageId.")
final class SendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profileOptions;

    @Option(names = "--to", required = true, paramLabel = "ID", description = "The destination user id.")
    String destination;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The message text.")
    String text;

    @Option(
            names = "--idempotency-key",
            paramLabel = "KEY",
            description = "Reuse a key to retry a send without duplicating it (default: random).")
    String idempotencyKey;

    @Override
    public Integer call() {
        StoredProfile profile = profileOptions.load();
        String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        try (SecureMessenger messenger = profileOptions.messenger(profile)) {
            SendResult result = messenger.send(destination, key, text.getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println(result.messageId());
        }
        return 0;
    }
}
