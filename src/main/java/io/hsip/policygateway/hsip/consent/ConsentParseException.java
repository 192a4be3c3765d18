package io.hsip.policygateway.hsip.consent;

/**
 * A consent request or response document that breaks a structural rule; the message names the rule.
 */
public final class ConsentParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public ConsentParseException(String message) {
    super(message);
  }
}
