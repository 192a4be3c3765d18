package io.hsip.policygateway.audit.api;

import io.hsip.policygateway.base.error.ProblemException;

/** A proof cannot be given yet, e.g. the entry is not in a signed checkpoint. */
public final class ProofUnavailableException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the detail is shown to the client. */
  public ProofUnavailableException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 409;
  }

  @Override
  public String title() {
    return "Proof unavailable";
  }

  @Override
  protected String slug() {
    return "proof-unavailable";
  }
}
