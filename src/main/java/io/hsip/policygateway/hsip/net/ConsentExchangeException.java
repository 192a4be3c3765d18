package io.hsip.policygateway.hsip.net;

/**
 * A consent exchange over UDP that did not produce a usable response; the message says which step
 * failed.
 */
public final class ConsentExchangeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public ConsentExchangeException(String message) {
    super(message);
  }
}
