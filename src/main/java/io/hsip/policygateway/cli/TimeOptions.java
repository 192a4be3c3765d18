package io.hsip.policygateway.cli;

import java.time.Clock;
import picocli.CommandLine.Option;

/** Shared options of commands that check times: when to check at, and the tolerated skew. */
final class TimeOptions {

  @Option(
      names = "--at",
      paramLabel = "UNIX_MS",
      description =
          "Check as of this instant (Unix ms) instead of now, e.g. to inspect an old document.")
  Long atMs;

  @Option(
      names = "--skew-ms",
      defaultValue = "60000",
      description = "Tolerated clock difference for ts_ms (default: ${DEFAULT-VALUE}).")
  long skewMs;

  @Option(
      names = "--max-lifetime-ms",
      defaultValue = "86400000",
      description = "Longest accepted expires_ms - ts_ms (default: ${DEFAULT-VALUE}).")
  long maxLifetimeMs;

  long now(Clock clock) {
    return atMs != null ? atMs : clock.millis();
  }
}
