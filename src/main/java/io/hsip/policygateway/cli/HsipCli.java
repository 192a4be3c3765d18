package io.hsip.policygateway.cli;

import io.hsip.policygateway.base.SuppressForbidden;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hsip}: key, consent and token utilities whose files interoperate with the reference CLI.
 *
 * <p>Exit codes: 0 success, 1 a document was checked and rejected, 2 usage error, 3 unreadable or
 * malformed input, 4 internal error, 5 the database could not be reached or refused the operation.
 */
@Command(
    name = "hsip",
    mixinStandardHelpOptions = true,
    version = "hsip (HSIP Policy Gateway) 0.1",
    description =
        "HSIP keys, consent documents and capability tokens, compatible with the reference CLI.",
    subcommands = {
      KeygenCommand.class,
      PeerIdCommand.class,
      ConsentCommand.class,
      TokenCommand.class,
      AuditCommand.class,
      DecisionCommand.class,
      PolicyCommand.class,
      DbCommand.class,
      LoadCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HsipCli {

  private HsipCli() {}

  /** Runs the CLI with the system clock and standard streams; returns the exit code. */
  @SuppressForbidden(reason = "a command-line tool writes to its standard streams")
  public static int run(String... args) {
    return run(
        Clock.systemUTC(),
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
        args);
  }

  /** Runs the CLI with the given clock and streams; returns the exit code. */
  public static int run(Clock clock, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new HsipCli(), new CliFactory(clock));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliException known) {
            commandLine.getErr().println("hsip: " + known.getMessage());
            return known.exitCode();
          }
          // A bug, not the user's input: say so plainly, without a stack trace, and with its own
          // exit code.
          commandLine
              .getErr()
              .println(
                  "hsip: internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage());
          return CliException.INTERNAL;
        });
    return cli.execute(args);
  }

  /** Gives every command the shared clock. */
  private record CliFactory(Clock clock) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      K created = CommandLine.defaultFactory().create(type);
      if (created instanceof CliCommand command) {
        command.clock(clock);
      }
      return created;
    }
  }
}
