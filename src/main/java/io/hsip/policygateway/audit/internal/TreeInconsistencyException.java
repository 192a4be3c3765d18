package io.hsip.policygateway.audit.internal;

/**
 * The stored tree no longer extends the latest signed checkpoint (its tiles or entries were
 * altered, or the log forked): the integrator refuses to sign, and integration stops until this is
 * investigated.
 */
public final class TreeInconsistencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public TreeInconsistencyException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception. */
  public TreeInconsistencyException(String message) {
    super(message);
  }
}
