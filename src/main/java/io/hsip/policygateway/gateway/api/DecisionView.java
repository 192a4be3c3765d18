package io.hsip.policygateway.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.hsip.policygateway.gateway.decision.Decision;
import io.hsip.policygateway.policy.model.PolicyDecision.PolicyRef;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The answer of the decision API: allow and deny alike.
 *
 * @param effect {@code allow} or {@code deny}
 * @param ttlMs the granted TTL in ms, 0 for a deny
 * @param reason the reason code (docs/operations.md#decision-reason-codes)
 * @param policy the policy that decided; absent when none did
 * @param auditSeq the decision's audit entry; absent when none was written
 * @param receipt the decision signed with the gateway key (verify with {@code hsip decision
 *     verify})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionView(
    @Schema(enumeration = {"allow", "deny"}) String effect,
    long ttlMs,
    String reason,
    @Nullable PolicyView policy,
    @Nullable Long auditSeq,
    @Schema(
            description =
                "Signed decision receipt: {payload: {...}, signature: {alg, public_key_hex,"
                    + " sig_hex}}")
        JsonNode receipt) {

  /**
   * The deciding policy.
   *
   * @param set the policy set
   * @param version its published version
   * @param digest SHA-256 (hex) of its canonical document
   */
  public record PolicyView(String set, int version, String digest) {}

  static DecisionView from(Decision decision, JsonNode receipt) {
    PolicyRef ref = decision.policy();
    return new DecisionView(
        decision.effect(),
        decision.ttlMs(),
        decision.reason().wire(),
        ref == null ? null : new PolicyView(ref.policySet(), ref.version(), ref.digest()),
        decision.auditSeq(),
        receipt);
  }
}
