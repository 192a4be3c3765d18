package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** An uploaded policy document over the size limit (413). */
public final class PolicyTooLargeException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public PolicyTooLargeException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 413;
  }

  @Override
  public String title() {
    return "Policy document too large";
  }

  @Override
  protected String slug() {
    return "policy-too-large";
  }
}
