package io.hsip.policygateway.telemetry;

/** The one prefix of every metric this project registers; the per-feature classes build on it. */
public final class Metrics {

  /** Prefix of every metric name: {@code hsip.} (Prometheus: {@code hsip_}). */
  public static final String PREFIX = "hsip.";

  private Metrics() {}
}
