package io.hsip.policygateway.telemetry;

/**
 * Metric names of the policy feature: the live policy and the relay of admin events to the audit
 * log.
 */
public final class PolicyMetrics {

  /**
   * Counter: decisions denied because no policy was loaded or a condition failed (alert on any).
   */
  public static final String FAIL_CLOSED = Metrics.PREFIX + "policy.fail.closed";

  /** Gauge: the published version of the live policy set this replica enforces (0: none). */
  public static final String LIVE_VERSION = Metrics.PREFIX + "policy.live.version";

  /** Counter: policy admin events appended to the audit log. */
  public static final String AUDIT_RELAYED = Metrics.PREFIX + "policy.audit.relayed";

  /** Counter: relay steps stopped because the audit log refused an entry (retried). */
  public static final String AUDIT_RELAY_FAILURES = Metrics.PREFIX + "policy.audit.relay.failures";

  /** Counter: admin events recorded only by id and digest because no entry could express them. */
  public static final String AUDIT_RELAY_UNRECORDABLE =
      Metrics.PREFIX + "policy.audit.relay.unrecordable";

  /** Counter: policy documents compiled (what the cache of compiled documents did not save). */
  public static final String COMPILATIONS = Metrics.PREFIX + "policy.compilations";

  /**
   * Counter: policy compilations refused, tagged {@code reason}: {@code budget} (over the CPU time
   * limit) or {@code busy} (no compilation slot in time).
   */
  public static final String COMPILE_REFUSED = Metrics.PREFIX + "policy.compile.refused";

  /** Decisions also evaluated against a shadow version (counter). */
  public static final String SHADOW_EVALUATED = Metrics.PREFIX + "policy.shadow.evaluated";

  /** Decisions the shadow version would have answered differently, by {@code change} (counter). */
  public static final String SHADOW_DIFFERENCES = Metrics.PREFIX + "policy.shadow.differences";

  private PolicyMetrics() {}
}
