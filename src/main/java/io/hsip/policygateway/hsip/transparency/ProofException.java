package io.hsip.policygateway.hsip.transparency;

/** A Merkle proof that does not prove what it claims; the message says exactly what failed. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public ProofException(String message) {
    super(message);
  }
}
