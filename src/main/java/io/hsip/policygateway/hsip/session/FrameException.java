package io.hsip.policygateway.hsip.session;

/**
 * A sealed-frame datagram that was not accepted; the message names the rule. The session's replay
 * state is unchanged whenever this is thrown.
 */
public final class FrameException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public FrameException(String message) {
    super(message);
  }
}
