package io.hsip.policygateway.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The one entry point of the deployable: with arguments it runs the HSIP command-line tools and
 * exits without starting Quarkus (no database, no network); without arguments it runs the gateway
 * service.
 */
@QuarkusMain
public final class Main {

  private Main() {}

  /** Dispatches to the CLI or the service. */
  public static void main(String... args) {
    if (args.length > 0) {
      System.exit(HsipCli.run(args));
    }
    Quarkus.run(args);
  }
}
