package io.hsip.policygateway.audit.internal;

/**
 * The subjects' pseudonymisation keys cannot be used: no key-encryption key is loaded, or the
 * stored keys were wrapped under another one. Whoever needed a key fails closed.
 */
public final class SubjectKekException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names no file path and no key material. */
  public SubjectKekException(String message) {
    super(message);
  }
}
