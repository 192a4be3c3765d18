package io.hsip.policygateway.bench;

import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.generate.OrganisationGenerator;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One consent decision against generated organisations of 100, 1,000, 10,000 and 20,000 rules
 * ({@link OrganisationGenerator}, seed 7: groups, purposes, prefixes, denies for external peers,
 * TTL caps, reputation thresholds, time windows, CEL conditions), over a ring of 8,192 generated
 * requests (half aimed at a rule, half anywhere in the organisation). SampleTime reports the
 * latency distribution per decision (p50, p99); the target is p50 at most 1 µs and p99 at most 5 µs
 * at every size, i.e. no growth with the rule count.
 *
 * <p>Run: {@code bash .ci/bench PolicyScale}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PolicyScaleBenchmark {

  private static final int RING = 8192;

  @Param({"100", "1000", "10000", "20000"})
  public int rules;

  private CompiledPolicy policy;
  private PolicyRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    OrganisationGenerator organisation = new OrganisationGenerator(rules, 7);
    policy =
        new PolicyCompiler(PolicyLimits.DEFAULTS)
            .compileForEnforcement(organisation.document())
            .orThrow();
    if (policy.document().rules().size() != rules) {
      throw new IllegalStateException(
          "expected " + rules + " rules, compiled " + policy.document().rules().size());
    }
    requests =
        organisation
            .requests(RING, 11, Instant.parse("2026-03-02T00:00:00Z"))
            .toArray(PolicyRequest[]::new);
  }

  @Benchmark
  public PolicyDecision decide() {
    return policy.evaluate(requests[next++ & (RING - 1)]);
  }
}
