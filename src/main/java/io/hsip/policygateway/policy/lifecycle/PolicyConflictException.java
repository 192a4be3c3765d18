package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** A lifecycle step that contradicts the current state: nothing to publish, already decided, superseded (409). */
public final class PolicyConflictException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public PolicyConflictException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 409;
  }

  @Override
  public String title() {
    return "Policy conflict";
  }

  @Override
  protected String slug() {
    return "policy-conflict";
  }
}
