package io.hsip.policygateway.telemetry;

/**
 * Metric names of the audit feature: durable appends and their integration into the Merkle tree.
 */
public final class AuditMetrics {

  /** Counter: audit entries committed. */
  public static final String APPENDED = Metrics.PREFIX + "audit.appended";

  /** Counter: entries that could not be made durable; their callers failed closed. */
  public static final String APPEND_FAILURES = Metrics.PREFIX + "audit.append.failures";

  /**
   * Counter: entries whose commit was not confirmed (their callers failed closed) that may exist
   * without an entry voiding them, because it could not be found out or the void could not be
   * written: the log may contradict an answer. Alert on any.
   */
  public static final String APPEND_UNRECONCILED = Metrics.PREFIX + "audit.append.unreconciled";

  /** Gauge: entries queued for group commit and not yet durable. */
  public static final String APPEND_BACKLOG = Metrics.PREFIX + "audit.append.backlog";

  /** Counter: integration rounds that failed; their entries stay pending and are retried. */
  public static final String INTEGRATION_FAILURES = Metrics.PREFIX + "audit.integration.failures";

  /**
   * Counter: rounds refused because the tree no longer extends the signed checkpoint (alert on
   * any).
   */
  public static final String INTEGRATION_INCONSISTENT =
      Metrics.PREFIX + "audit.integration.inconsistent";

  /**
   * Counter: entries refused before integration (MAC missing or wrong, columns disagreeing with the
   * body, leaf index set outside the tree): forged or altered rows; alert on any.
   */
  public static final String INTEGRATION_REFUSED = Metrics.PREFIX + "audit.integration.refused";

  /** Gauge: committed entries not yet folded into the tree. */
  public static final String INTEGRATION_LAG = Metrics.PREFIX + "audit.integration.lag";

  /** Timer (histogram): from handing an entry to the log to its durable commit, as callers wait. */
  public static final String APPEND_DURATION = Metrics.PREFIX + "audit.append.duration";

  /** Distribution: entries per group commit. */
  public static final String APPEND_BATCH_SIZE = Metrics.PREFIX + "audit.append.batch.size";

  /** Gauge: seconds the oldest entry not yet folded into the tree has waited. */
  public static final String INTEGRATION_LAG_SECONDS =
      Metrics.PREFIX + "audit.integration.lag.seconds";

  private AuditMetrics() {}
}
