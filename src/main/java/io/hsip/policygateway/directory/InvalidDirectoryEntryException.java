package io.hsip.policygateway.directory;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.base.error.ProblemException;
import java.util.List;

/**
 * A directory change or import with invalid entries (422): nothing was changed; every violation is
 * listed, with its line for an import.
 */
public final class InvalidDirectoryEntryException extends ProblemException {
  private static final long serialVersionUID = 1L;

  private final List<Problem.Violation> violations;

  /** Refuses a change for {@code violations} (at least one). */
  public InvalidDirectoryEntryException(List<Problem.Violation> violations) {
    super(DirectoryProblems.INVALID, summary(violations));
    this.violations = List.copyOf(violations);
  }

  @Override
  public List<Problem.Violation> violations() {
    return violations;
  }

  private static String summary(List<Problem.Violation> violations) {
    Problem.Violation first = violations.getFirst();
    return violations.size()
        + " invalid field(s), nothing was changed; the first"
        + (first.line() == null ? "" : " at line " + first.line())
        + ": "
        + first.field()
        + " "
        + first.message();
  }
}
