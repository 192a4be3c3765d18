package io.hsip.policygateway.gateway.decision;

import io.hsip.policygateway.policy.model.PolicyDecision.PolicyRef;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's answer to one consent request.
 *
 * @param reason why; {@link DecisionReason#ALLOWED} is the only allow
 * @param ttlMs the granted TTL in ms: the requested remaining lifetime capped by the policy, 0 for
 *     a deny
 * @param atMs when it was decided (the answer's {@code ts_ms}), Unix ms
 * @param requestHash the protocol's request hash (BLAKE3-256 of the signed string, hex), which the
 *     signed response binds to
 * @param requesterPeerId the requester's PeerID if its signature verified, else null
 * @param targetPeerId the PeerID the request is addressed to (the answering identity)
 * @param policy the policy that decided, or null when none did
 * @param auditSeq the sequence number of the decision's audit entry, or null when none was written
 */
public record Decision(
    DecisionReason reason,
    long ttlMs,
    long atMs,
    String requestHash,
    @Nullable String requesterPeerId,
    String targetPeerId,
    @Nullable PolicyRef policy,
    @Nullable Long auditSeq) {

  /** Keeps a deny's TTL at 0. */
  public Decision {
    if (!reason.allows()) {
      ttlMs = 0;
    } else if (ttlMs <= 0) {
      throw new IllegalArgumentException("an allow needs a positive TTL");
    }
  }

  /** Whether the request is allowed. */
  public boolean allows() {
    return reason.allows();
  }

  /** {@code allow} or {@code deny}. */
  public String effect() {
    return allows() ? "allow" : "deny";
  }
}
