package io.hsip.policygateway.hsip.transparency;

/**
 * A signed checkpoint that breaks a rule of the format or whose signature does not verify; the
 * message says which.
 */
public final class CheckpointParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public CheckpointParseException(String message) {
    super(message);
  }
}
