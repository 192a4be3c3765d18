package io.hsip.policygateway.identity;

import io.hsip.policygateway.base.error.ProblemException;

/** The gateway has no usable signing key, so it cannot sign anything (and denies consent). */
public final class SigningKeyUnavailableException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the detail names the configuration, never key material. */
  public SigningKeyUnavailableException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 503;
  }

  @Override
  public String title() {
    return "Signing key unavailable";
  }

  @Override
  protected String slug() {
    return "signing-key-unavailable";
  }
}
