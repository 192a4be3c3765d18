package io.hsip.policygateway.policy.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.policy.ScaledPolicy;
import io.hsip.policygateway.policy.compile.internal.CelConditions;
import io.hsip.policygateway.policy.compile.internal.CompiledRule;
import io.hsip.policygateway.policy.compile.internal.RequestFacts;
import io.hsip.policygateway.policy.model.Effect;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.Rule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The index never loses a rule: on the example organisation scaled to 1,000 rules, the indexed
 * evaluator matches exactly the rules a full scan of every rule matches, for thousands of requests.
 */
class PolicyIndexTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void indexedEvaluationMatchesAFullScan() throws Exception {
    PolicyCompiler compiler = new PolicyCompiler(PolicyLimits.DEFAULTS);
    long start = System.nanoTime();
    Compilation compilation = compiler.compile(ScaledPolicy.document(1000));
    long compileMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(compilation.errors()).isEmpty();
    CompiledPolicy policy = compilation.orThrow();
    assertThat(policy.document().rules()).hasSize(1000);
    assertThat(compileMs).as("compiling and linting 1,000 rules (ms)").isLessThan(20_000);

    CelConditions cel = new CelConditions(PolicyLimits.DEFAULTS.cel());
    List<CompiledRule> all = new ArrayList<>();
    for (int i = 0; i < policy.document().rules().size(); i++) {
      Rule rule = policy.document().rules().get(i);
      all.add(
          new CompiledRule(
              rule,
              i,
              rule.condition() == null ? null : cel.compile(rule.condition()).condition()));
    }
    Map<Effect, Integer> effects = new EnumMap<>(Effect.class);
    for (PolicyRequest request : ScaledPolicy.requests(5000)) {
      List<String> scanned = new ArrayList<>();
      RequestFacts facts = new RequestFacts(request, policy.document().zone().getRules());
      for (CompiledRule rule : all) {
        if (rule.matches(facts)) {
          scanned.add(rule.rule().id());
        }
      }
      PolicyDecision decision = policy.evaluate(request);
      assertThat(decision.matchedRuleIds()).as(request.toString()).isEqualTo(scanned);
      effects.merge(decision.effect(), 1, Integer::sum);
    }
    // The mix exercises both outcomes substantially.
    assertThat(effects.get(Effect.ALLOW)).isGreaterThan(500);
    assertThat(effects.get(Effect.DENY)).isGreaterThan(500);
  }
}
