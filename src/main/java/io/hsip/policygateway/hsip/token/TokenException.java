package io.hsip.policygateway.hsip.token;

/** A token that is malformed or must not be honoured; the message names the broken rule. */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public TokenException(String message) {
    super(message);
  }
}
