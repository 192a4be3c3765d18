package io.hsip.policygateway.bench;

import io.hsip.policygateway.policy.ScaledPolicy;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.PolicyCompiler;
import io.hsip.policygateway.policy.compile.PolicyLimits;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import java.util.List;
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
 * One consent decision on the example organisation scaled to 1,000 rules (policies/example-org.yaml
 * plus generated rules in its style, see ScaledPolicy), over a fixed mix of 4,096 requests: hits
 * and misses, denies and allows, time windows and CEL conditions. SampleTime gives the latency
 * distribution (p50, p99); Throughput the decisions per microsecond on one thread. {@code decide}
 * is what the gateway pays per request (the decision with matched rules and TTL); {@code
 * decideAndExplain} adds rendering the human-readable explanation, which the gateway renders only
 * when asked.
 *
 * <p>Run: {@code bash .ci/bench PolicyEvaluation}. Target: p50 of {@code decide} at most 2 µs.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PolicyEvaluationBenchmark {

  private static final int RING = 4096;

  @Param({"1000"})
  public int rules;

  private CompiledPolicy policy;
  private PolicyRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    policy =
        new PolicyCompiler(PolicyLimits.DEFAULTS).compile(ScaledPolicy.document(rules)).orThrow();
    if (policy.document().rules().size() != rules) {
      throw new IllegalStateException(
          "expected " + rules + " rules, compiled " + policy.document().rules().size());
    }
    List<PolicyRequest> mix = ScaledPolicy.requests(RING);
    requests = mix.toArray(PolicyRequest[]::new);
  }

  @Benchmark
  public PolicyDecision decide() {
    return policy.evaluate(requests[next++ & (RING - 1)]);
  }

  @Benchmark
  public String decideAndExplain() {
    return policy.evaluate(requests[next++ & (RING - 1)]).explanation();
  }
}
