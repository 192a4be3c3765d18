package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyVersion;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A published version.
 *
 * @param policySet set
 * @param version number
 * @param digest SHA-256 of the canonical form
 * @param ruleCount rules
 * @param publishedBy publisher (the requester in four-eyes mode)
 * @param publishedAt when
 * @param approvedBy the second admin, in four-eyes mode
 * @param rolledBackFrom the version it re-publishes, for a rollback
 * @param document the YAML document (single reads only)
 */
public record VersionView(
    String policySet,
    int version,
    String digest,
    int ruleCount,
    String publishedBy,
    Instant publishedAt,
    @Nullable String approvedBy,
    @Nullable Integer rolledBackFrom,
    @Nullable String document) {

  /** A version in a list or just published: without its document. */
  public static VersionView summary(PolicyVersion v) {
    return from(v, false);
  }

  /** A version just published. */
  public static VersionView from(PolicyLifecycle.Publication.Published published) {
    return summary(published.version());
  }

  /** A version already in force, so an import changed nothing. */
  public static VersionView from(PolicyLifecycle.Imported.Unchanged unchanged) {
    return summary(unchanged.inForce());
  }

  /** A version read on its own: with its document. */
  public static VersionView from(PolicyVersion v) {
    return from(v, true);
  }

  private static VersionView from(PolicyVersion v, boolean withDocument) {
    return new VersionView(
        v.policySet(),
        v.version(),
        v.digest,
        v.ruleCount,
        v.publishedBy,
        v.publishedAt,
        v.approvedBy,
        v.rolledBackFrom,
        withDocument ? v.source : null);
  }
}
