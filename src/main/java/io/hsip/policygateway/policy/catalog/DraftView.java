package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.lifecycle.PolicyDraft;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A draft.
 *
 * @param id draft id
 * @param policySet the set the document names
 * @param revision send it back in If-Match to update
 * @param digest SHA-256 of the canonical form
 * @param createdBy who created it
 * @param createdAt when
 * @param updatedBy who changed it last
 * @param updatedAt when
 * @param warnings lint warnings of the document (on create and update only)
 * @param document the YAML document (on single reads, create and update)
 */
public record DraftView(
    UUID id,
    String policySet,
    int revision,
    String digest,
    String createdBy,
    Instant createdAt,
    String updatedBy,
    Instant updatedAt,
    @Nullable List<FindingView> warnings,
    @Nullable String document) {

  /** A draft in a list: no warnings, no document. */
  public static DraftView summary(PolicyDraft d) {
    return from(d, null, false);
  }

  /** A draft read on its own: with its document. */
  public static DraftView from(PolicyDraft d) {
    return from(d, null, true);
  }

  /** A draft just saved: with its document and the warnings it raised. */
  public static DraftView from(PolicyLifecycle.SavedDraft saved) {
    return from(saved.draft(), saved.warnings(), true);
  }

  private static DraftView from(
      PolicyDraft d,
      @Nullable List<io.hsip.policygateway.policy.compile.Finding> warnings,
      boolean withDocument) {
    return new DraftView(
        d.id,
        d.policySet,
        d.revision,
        d.digest,
        d.createdBy,
        d.createdAt,
        d.updatedBy,
        d.updatedAt,
        warnings == null ? null : FindingView.all(warnings),
        withDocument ? d.source : null);
  }
}
