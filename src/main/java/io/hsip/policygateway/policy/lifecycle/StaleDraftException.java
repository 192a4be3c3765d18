package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.ProblemException;

/** An update based on an older revision of a draft than the stored one (If-Match, 412). */
public final class StaleDraftException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates it; {@code detail} is shown to the client. */
  public StaleDraftException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 412;
  }

  @Override
  public String title() {
    return "Draft changed meanwhile";
  }

  @Override
  protected String slug() {
    return "stale-draft";
  }
}
