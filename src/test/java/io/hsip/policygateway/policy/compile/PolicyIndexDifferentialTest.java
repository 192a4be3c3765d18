package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.policy.generate.OrganisationGenerator;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index changes no decision: generated organisations decided by the indexed evaluator and by a
 * plain scan of every rule ({@link LinearReferenceEvaluator}) agree on effect, reason, granted TTL,
 * matched rules and deciding rules for every one of 115,000 generated requests (100,000 of them on
 * one 1,000-rule policy).
 */
class PolicyIndexDifferentialTest {

  private static final Instant MONDAY = Instant.parse("2026-03-02T00:00:00Z");

  @ParameterizedTest(name = "{0} rules, {1} requests")
  @CsvSource({"100, 10000", "1000, 100000", "20000, 5000"})
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void indexedAndLinearEvaluationAgree(int rules, int requests) {
    OrganisationGenerator organisation = new OrganisationGenerator(rules, 7);
    Compilation compilation =
        new PolicyCompiler(PolicyLimits.DEFAULTS).compileForEnforcement(organisation.document());
    assertThat(compilation.errors()).isEmpty();
    CompiledPolicy policy = compilation.orThrow();
    assertThat(policy.document().rules()).hasSize(rules);
    LinearReferenceEvaluator reference = new LinearReferenceEvaluator(policy.document());

    Map<String, Integer> reasons = new TreeMap<>();
    int capped = 0;
    int withMatches = 0;
    List<PolicyRequest> mix = organisation.requests(requests, rules, MONDAY);
    for (PolicyRequest request : mix) {
      PolicyDecision indexed = policy.evaluate(request);
      LinearReferenceEvaluator.Outcome expected = reference.decide(request);
      LinearReferenceEvaluator.Outcome actual =
          new LinearReferenceEvaluator.Outcome(
              indexed.effect(),
              indexed.reason().wire(),
              indexed.grantedTtlMs(),
              indexed.matchedRuleIds(),
              indexed.decidingRuleIds());
      assertThat(actual).as("%s", request).isEqualTo(expected);
      reasons.merge(expected.reason(), 1, Integer::sum);
      if (!expected.deciding().isEmpty() && expected.reason().equals("allowed")) {
        capped++;
      }
      if (expected.matched().size() > 1) {
        withMatches++;
      }
    }
    // The mix is not vacuous: every outcome occurs often, including TTL caps and overlaps.
    assertThat(reasons.getOrDefault("allowed", 0)).as("%s", reasons).isGreaterThan(requests / 20);
    assertThat(reasons.getOrDefault("denied_by_rule", 0))
        .as("%s", reasons)
        .isGreaterThan(requests / 20);
    assertThat(reasons.getOrDefault("no_matching_rule", 0))
        .as("%s", reasons)
        .isGreaterThan(requests / 20);
    assertThat(capped).as("allows capped by a rule").isGreaterThan(requests / 50);
    assertThat(withMatches)
        .as("decisions with several matched rules")
        .isGreaterThan(requests / 100);
  }
}
