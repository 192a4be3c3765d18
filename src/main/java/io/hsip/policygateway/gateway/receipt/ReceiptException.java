package io.hsip.policygateway.gateway.receipt;

/** A decision receipt is malformed or its signature does not verify; the message says which. */
public final class ReceiptException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an exact message. */
  public ReceiptException(String message) {
    super(message);
  }
}
