package io.hsip.policygateway.audit.bundle;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link BundleVerifier} checked, every problem it found, and every warning: what it could not
 * check (truncation, without the previous bundle) or what the bundle does not prove. Warnings do
 * not make a bundle fail.
 */
public final class VerificationReport {

  /** Problems beyond this many are counted, not listed. */
  static final int MAX_LISTED = 50;

  private final List<String> passed = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private long unlisted;
  private String summary = "";

  void pass(String check) {
    passed.add(check);
  }

  void problem(String problem) {
    if (problems.size() < MAX_LISTED) {
      problems.add(problem);
    } else {
      unlisted++;
    }
  }

  /**
   * Something the bundle does not prove, or that was not checked: the bundle still verifies, but
   * the auditor must know.
   */
  void warn(String warning) {
    warnings.add(warning);
  }

  void summary(String summary) {
    this.summary = summary;
  }

  /** Whether the bundle verified with no problem at all. */
  public boolean verified() {
    return problems.isEmpty();
  }

  /** The checks that passed. */
  public List<String> passed() {
    return List.copyOf(passed);
  }

  /** The problems found (at most {@value #MAX_LISTED} listed). */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** What was not proved or not checked (the bundle may still verify). */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Prints the report: every check, every problem, and a one-line verdict. */
  public void print(PrintWriter out) {
    for (String check : passed) {
      out.println("ok       " + check);
    }
    for (String problem : problems) {
      out.println("PROBLEM  " + problem);
    }
    if (unlisted > 0) {
      out.println("PROBLEM  ... and " + unlisted + " more problems");
    }
    for (String warning : warnings) {
      out.println("WARNING  " + warning);
    }
    out.println(
        verified()
            ? "VERIFIED: " + summary
            : "NOT VERIFIED: " + (problems.size() + unlisted) + " problem(s)");
    out.flush();
  }
}
