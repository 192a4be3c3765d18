package io.hsip.policygateway.hsip.reputationlog;

/**
 * A reputation log line or chain that is malformed or does not verify; the message names line and
 * rule.
 */
public final class ReputationLogException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public ReputationLogException(String message) {
    super(message);
  }
}
