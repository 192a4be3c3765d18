package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** An admin tried to approve their own publication in four-eyes mode (403). */
public final class FourEyesViolationException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public FourEyesViolationException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 403;
  }

  @Override
  public String title() {
    return "Four-eyes rule";
  }

  @Override
  protected String slug() {
    return "four-eyes";
  }
}
