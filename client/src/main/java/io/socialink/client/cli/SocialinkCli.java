package io.socialink.client.cli;

import io.socialink.client.api.ProblemException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code socialink} command line: register, devices, send, listen, chat, keys, group, call and analytics (the load
 * generators are the bench module's {@code socialink-bench}). Errors print the problem's title and detail on stderr and
 * exit 1; usage errors exit 2 (picocli's convention).
 */
@Command(
        name = "socialink",
        mixinStandardHelpOptions = true,
        version = "socialink client 0.1",
        description = "Reference client of Socialink Messaging.",
        subcommands = {
            RegisterCommand.class,
            DevicesCommand.class,
            SendCommand.class,
            ListenCommand.class,
            ChatCommand.class,
            KeysCommand.class,
            GroupCommand.class,
            CallCommand.class,
            AnalyticsCommand.class
        })
public final class SocialinkCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new SocialinkCli()).setExecutionExceptionHandler(SocialinkCli::handleError);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * Prints an error of a command as this CLI does and returns exit code 1; public so that the bench module's command
     * line reports errors the same way.
     */
    public static int handleError(Exception error, CommandLine command, CommandLine.ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (error instanceof ProblemException problem) {
            err.println("error: " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail())
                    + " (HTTP " + problem.status() + ")");
        } else if (error instanceof UncheckedIOException io) {
            err.println("error: " + io.getMessage());
        } else if (error instanceof IllegalArgumentException || error instanceof IllegalStateException) {
            err.println("error: " + error.getMessage());
        } else {
            err.println("error: " + error);
        }
        return 1;
    }
}
