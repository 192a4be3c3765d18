package io.hsip.policygateway.policy.catalog;

import io.hsip.policygateway.policy.compile.Finding;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finding (warning) in an accepted document.
 *
 * @param severity error or warning
 * @param code kind of finding
 * @param message what
 * @param pointer JSON pointer
 * @param line line
 * @param column column
 * @param rule rule id, if any
 */
public record FindingView(
    String severity,
    String code,
    String message,
    String pointer,
    int line,
    int column,
    @Nullable String rule) {

  /** The view of one finding. */
  public static FindingView from(Finding f) {
    return new FindingView(
        f.severity().wire(), f.code(), f.message(), f.pointer(), f.line(), f.column(), f.ruleId());
  }

  /** The views of several findings, in their order. */
  public static List<FindingView> all(List<Finding> findings) {
    return findings.stream().map(FindingView::from).toList();
  }
}
