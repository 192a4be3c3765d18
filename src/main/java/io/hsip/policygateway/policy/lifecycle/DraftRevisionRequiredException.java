package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** A change to a draft sent without the revision it is based on ({@code If-Match} missing, 428). */
public final class DraftRevisionRequiredException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public DraftRevisionRequiredException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 428;
  }

  @Override
  public String title() {
    return "If-Match required";
  }

  @Override
  protected String slug() {
    return "if-match-required";
  }
}
