package io.hsip.policygateway.policy.compile;

import io.hsip.policygateway.base.WireNamed;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One problem found in a policy document, placed where the author can find it.
 *
 * @param severity an error blocks saving and publishing; a warning does not
 * @param code stable kind of problem, e.g. {@code schema}, {@code cel}, {@code unknown-group},
 *     {@code shadowed-rule}
 * @param message what is wrong, in words
 * @param pointer JSON pointer (RFC 6901) to the value in question
 * @param line 1-based line in the document (0 when unknown)
 * @param column 1-based column in the document (0 when unknown)
 * @param ruleId the rule concerned, or null
 */
public record Finding(
    Severity severity,
    String code,
    String message,
    String pointer,
    int line,
    int column,
    @Nullable String ruleId) {

  /** How bad a finding is. */
  public enum Severity implements WireNamed {
    /** The document is rejected. */
    ERROR,
    /** The document is accepted; the author should look. */
    WARNING;

    /** Lowercase spelling for output. */
    @Override
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The constant spelled {@code wire}, or empty. */
    public static Optional<Severity> fromWire(String wire) {
      return WireNamed.fromWire(Severity.class, wire);
    }
  }

  /** Findings in document order, then by code and message, so output is deterministic. */
  public static final Comparator<Finding> ORDER =
      Comparator.comparingInt(Finding::line)
          .thenComparingInt(Finding::column)
          .thenComparing(Finding::code)
          .thenComparing(Finding::message);

  /** Whether this is an error. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code line:column: error [code] message (rule r, at /pointer)}, the CLI's format. */
  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(line)
        .append(':')
        .append(column)
        .append(": ")
        .append(severity.wire())
        .append(" [")
        .append(code)
        .append("] ")
        .append(message);
    out.append(" (");
    if (ruleId != null) {
      out.append("rule ").append(ruleId).append(", ");
    }
    out.append("at ").append(pointer.isEmpty() ? "/" : pointer).append(')');
    return out.toString();
  }
}
