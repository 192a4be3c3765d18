package io.hsip.policygateway.hsip.hello;

/**
 * A HELLO datagram that breaks a structural rule, or fails verification; the message names which.
 */
public final class HelloParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public HelloParseException(String message) {
    super(message);
  }
}
