package io.hsip.policygateway.hsip.keys;

/** A key file that cannot be read or is not a valid key in one of the supported formats. */
public final class KeyFileException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public KeyFileException(String message) {
    super(message);
  }
}
