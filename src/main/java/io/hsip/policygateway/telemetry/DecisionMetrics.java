package io.hsip.policygateway.telemetry;

/**
 * Metric names of the decision pipeline and its front doors. Labels: {@code front_door} ({@code
 * udp} or {@code api}), {@code effect} ({@code allow}/{@code deny}), {@code reason} (a decision
 * reason code), {@code listener} (a configured listener's name).
 */
public final class DecisionMetrics {

  /** Counter: decisions answered (or failed closed), by front door, effect and reason code. */
  public static final String DECISIONS = Metrics.PREFIX + "decisions";

  /** Timer (histogram): time from a received request to its answer, by front door. */
  public static final String DURATION = Metrics.PREFIX + "decision.duration";

  /**
   * Counter: UDP datagrams a listener dropped or refused without answering, by listener and the
   * engine's drop reason.
   */
  public static final String UDP_DROPPED = Metrics.PREFIX + "udp.datagrams.dropped";

  /** Gauge: nonces the shared replay ledger holds (all replicas), as last counted. */
  public static final String REPLAY_LEDGER_ENTRIES = Metrics.PREFIX + "replay.ledger.entries";

  private DecisionMetrics() {}
}
