package io.socialink.bench.cli;

import io.socialink.client.cli.SocialinkCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code socialink-bench} command line: the load generators and benchmarks, kept out of the client module so that
 * the client library stays what an app would embed. Errors print as in the {@code socialink} CLI: exit 1, usage
 * errors exit 2.
 */
@Command(
        name = "socialink-bench",
        mixinStandardHelpOptions = true,
        version = "socialink bench 0.1",
        description = "Load generators and benchmarks of Socialink Messaging, for a local system.",
        subcommands = {
            BenchCommand.class,
            BenchReceiptsCommand.class,
            BenchKeysCommand.class,
            BenchPresenceCommand.class,
            BenchConnectionsCommand.class,
            BenchGroupCommand.class,
            BenchFaultsCommand.class,
            BenchCallsCommand.class
        })
public final class BenchCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new BenchCli()).setExecutionExceptionHandler(SocialinkCli::handleError);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
