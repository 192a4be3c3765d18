package io.hsip.policygateway.gateway.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hsip.policygateway.policy.model.RecordedFacts;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reason codes are the ones the contract and the docs name; the benchmark switch stays out of
 * prod.
 */
class DecisionReasonTest {

  @Test
  void theWireNamesAreTheDocumentedCodes() {
    assertThat(Arrays.stream(DecisionReason.values()).map(DecisionReason::wire))
        .containsExactly(
            "allowed",
            "policy_deny",
            "no_policy",
            "bad_signature",
            "pid_mismatch",
            "malformed",
            "stale",
            "expired",
            "expires_before_creation",
            "lifetime_too_long",
            "replayed",
            "rate_limited",
            "audit_unavailable",
            "replay_unavailable",
            "directory_unavailable",
            "internal_error");
    assertThat(DecisionReason.fromWire("rate_limited")).contains(DecisionReason.RATE_LIMITED);
    assertThat(DecisionReason.fromWire("RATE_LIMITED")).isEmpty();
  }

  @Test
  void impactAnalysisReplaysExactlyTheAnswersThePolicyGave() {
    // RecordedFacts names them for the policy package, which does not depend on the gateway.
    assertThat(RecordedFacts.ALLOWED).isEqualTo(DecisionReason.ALLOWED.wire());
    assertThat(RecordedFacts.POLICY_DENIES)
        .containsExactlyInAnyOrder(
            DecisionReason.POLICY_DENY.wire(), DecisionReason.NO_POLICY.wire());
  }

  @Test
  void onlyAllowedAllows() {
    assertThat(Arrays.stream(DecisionReason.values()).filter(DecisionReason::allows))
        .containsExactly(DecisionReason.ALLOWED);
  }

  @Test
  void everyCodeHasALineInTheOperatorDocs() throws Exception {
    String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations.md"));
    for (DecisionReason reason : DecisionReason.values()) {
      assertThat(docs).contains("| `" + reason.wire() + "` |");
    }
  }

  @Test
  void skippingTheAuditIsRefusedOutsideTestAndDev() {
    for (List<String> profiles :
        List.of(List.of("prod"), List.of("production"), List.of("staging"), List.<String>of())) {
      assertThatThrownBy(() -> DecisionPipeline.refuseSkipAuditInProd(true, profiles))
          .as("profiles %s", profiles)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("gateway.benchmark.skip-audit");
    }
    DecisionPipeline.refuseSkipAuditInProd(true, List.of("test"));
    DecisionPipeline.refuseSkipAuditInProd(true, List.of("dev"));
    DecisionPipeline.refuseSkipAuditInProd(false, List.of("prod"));
  }
}
