package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.policy.compile.Finding;
import java.util.List;

/**
 * A policy document with errors (400): every error becomes a problem violation with its JSON
 * pointer, line, column, code and rule id.
 */
public final class InvalidPolicyException extends ProblemException {
  private static final long serialVersionUID = 1L;

  private final List<Finding> errors;

  /** Rejects a document for {@code errors} (in document order). */
  public InvalidPolicyException(List<Finding> errors) {
    super(PolicyProblems.INVALID, summary(errors));
    this.errors = List.copyOf(errors);
  }

  /** The errors. */
  public List<Finding> errors() {
    return errors;
  }

  @Override
  public List<Problem.Violation> violations() {
    return errors.stream()
        .map(
            f ->
                new Problem.Violation(
                    f.pointer().isEmpty() ? "/" : f.pointer(),
                    f.message(),
                    f.code(),
                    f.line() > 0 ? f.line() : null,
                    f.column() > 0 ? f.column() : null,
                    f.ruleId()))
        .toList();
  }

  private static String summary(List<Finding> errors) {
    if (errors.isEmpty()) {
      return "The policy document is invalid.";
    }
    Finding first = errors.getFirst();
    return "The policy document has "
        + errors.size()
        + " error(s); the first at line "
        + first.line()
        + ", column "
        + first.column()
        + ": "
        + first.message();
  }
}
