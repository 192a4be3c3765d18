package io.hsip.policygateway.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every leaf command: its output stream and the clock the CLI was started with. */
abstract class CliCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  private Clock clock = Clock.systemUTC();

  final void clock(Clock clock) {
    this.clock = clock;
  }

  final Clock clock() {
    return clock;
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
