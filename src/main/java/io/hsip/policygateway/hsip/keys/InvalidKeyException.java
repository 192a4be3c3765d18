package io.hsip.policygateway.hsip.keys;

/** Bytes that are not an acceptable Ed25519 public key. */
public final class InvalidKeyException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public InvalidKeyException(String message) {
    super(message);
  }
}
