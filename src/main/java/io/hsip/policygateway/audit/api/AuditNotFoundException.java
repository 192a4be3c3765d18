package io.hsip.policygateway.audit.api;

import io.hsip.policygateway.base.error.ProblemException;

/** Something the auditor asked for does not exist. */
public final class AuditNotFoundException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the detail is shown to the client. */
  public AuditNotFoundException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 404;
  }

  @Override
  public String title() {
    return "Not found";
  }

  @Override
  protected String slug() {
    return "audit-not-found";
  }
}
