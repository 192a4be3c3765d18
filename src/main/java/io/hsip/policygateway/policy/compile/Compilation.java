package io.hsip.policygateway.policy.compile;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of compiling a document: the policy when there are no errors, and every finding.
 *
 * @param policy the compiled policy, or null when any finding is an error
 * @param findings errors and warnings in document order
 */
public record Compilation(@Nullable CompiledPolicy policy, List<Finding> findings) {

  /** Copies the findings. */
  public Compilation {
    findings = List.copyOf(findings);
  }

  /** Whether the document compiled. */
  public boolean ok() {
    return policy != null;
  }

  /**
   * Whether the compilation was abandoned because it ran out of CPU time ({@link
   * PolicyLimits#maxCompileTime()}); its one error says so.
   */
  public boolean overBudget() {
    return policy == null
        && findings.size() == 1
        && findings.getFirst().code().equals(PolicyCompiler.BUDGET_CODE);
  }

  /** The errors. */
  public List<Finding> errors() {
    return findings.stream().filter(Finding::isError).toList();
  }

  /** The warnings. */
  public List<Finding> warnings() {
    return findings.stream().filter(f -> !f.isError()).toList();
  }

  /** The compiled policy. @throws IllegalStateException when there were errors */
  public CompiledPolicy orThrow() {
    if (policy == null) {
      throw new IllegalStateException(
          "policy has " + errors().size() + " error(s), first: " + errors().getFirst().format());
    }
    return policy;
  }
}
