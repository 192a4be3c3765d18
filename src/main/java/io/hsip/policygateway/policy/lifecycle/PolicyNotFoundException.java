package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** A policy set, version, draft or approval that does not exist (404). */
public final class PolicyNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public PolicyNotFoundException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String title() {
    return "Policy not found";
  }

  @Override
  protected String slug() {
    return "policy-not-found";
  }
}
