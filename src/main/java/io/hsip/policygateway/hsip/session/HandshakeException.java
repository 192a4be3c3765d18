package io.hsip.policygateway.hsip.session;

/**
 * An E1/E2 handshake datagram that cannot start or finish a session; the message names the rule.
 */
public final class HandshakeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public HandshakeException(String message) {
    super(message);
  }
}
