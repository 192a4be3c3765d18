package io.hsip.policygateway.audit.internal;

/** The audit tables could not be read or written, or hold something the log never writes. */
public final class AuditStorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public AuditStorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception without a cause. */
  public AuditStorageException(String message) {
    super(message);
  }
}
