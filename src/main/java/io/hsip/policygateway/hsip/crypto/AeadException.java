package io.hsip.policygateway.hsip.crypto;

/** A ciphertext that did not authenticate; carries no detail an attacker could use. */
public final class AeadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a fixed message. */
  public AeadException() {
    super("authentication failed");
  }
}
