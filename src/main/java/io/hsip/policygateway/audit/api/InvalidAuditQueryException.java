package io.hsip.policygateway.audit.api;

import io.hsip.policygateway.base.error.ProblemException;

/** An audit query with contradictory or malformed parameters. */
public final class InvalidAuditQueryException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the detail is shown to the client. */
  public InvalidAuditQueryException(String detail) {
    super(detail);
  }

  @Override
  public int status() {
    return 400;
  }

  @Override
  public String title() {
    return "Invalid audit query";
  }

  @Override
  protected String slug() {
    return "invalid-audit-query";
  }
}
