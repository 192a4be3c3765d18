package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.lifecycle.PolicyApproval;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A four-eyes approval request.
 *
 * @param id request id
 * @param policySet set
 * @param kind publish or rollback
 * @param status pending, approved or rejected
 * @param digest of the document to publish
 * @param rollbackOf for a rollback, the version to publish again
 * @param baseVersion the version in force when requested
 * @param requestedBy requester
 * @param authors who wrote what is to be published (the draft's editors and the requester); none
 *     may approve
 * @param requestedAt when
 * @param decidedBy approver or rejecter
 * @param decidedAt when
 * @param reason why rejected
 * @param version the version published on approval
 */
public record ApprovalView(
    UUID id,
    String policySet,
    String kind,
    String status,
    String digest,
    @Nullable Integer rollbackOf,
    @Nullable Integer baseVersion,
    String requestedBy,
    List<String> authors,
    Instant requestedAt,
    @Nullable String decidedBy,
    @Nullable Instant decidedAt,
    @Nullable String reason,
    @Nullable Integer version) {

  /** The view of one request. */
  public static ApprovalView from(PolicyApproval a) {
    return new ApprovalView(
        a.id,
        a.policySet,
        a.kind.wire(),
        a.status.wire(),
        a.digest,
        a.rollbackOf,
        a.baseVersion,
        a.requestedBy,
        List.of(a.authors),
        a.requestedAt,
        a.decidedBy,
        a.decidedAt,
        a.reason,
        a.version);
  }

  /** A publication that waits for a second admin. */
  public static ApprovalView from(PolicyLifecycle.Publication.AwaitingApproval awaiting) {
    return from(awaiting.approval());
  }
}
