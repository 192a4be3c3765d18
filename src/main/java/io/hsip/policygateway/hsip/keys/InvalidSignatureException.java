package io.hsip.policygateway.hsip.keys;

/** A signature that does not strictly verify under the given key and message. */
public final class InvalidSignatureException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public InvalidSignatureException(String message) {
    super(message);
  }
}
