package io.hsip.policygateway.audit;

import io.hsip.policygateway.base.error.ProblemException;

/**
 * An audit entry could not be made durable. The caller must fail closed (deny the decision, refuse
 * the change); the failure is already counted in {@code hsip_audit_append_failures_total}.
 */
public final class AuditAppendException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the detail is safe to show and names no internals. */
  public AuditAppendException(String detail, Throwable cause) {
    super(AuditProblems.UNAVAILABLE, detail, cause);
  }

  /** Creates the exception without a cause. */
  public AuditAppendException(String detail) {
    super(AuditProblems.UNAVAILABLE, detail);
  }
}
