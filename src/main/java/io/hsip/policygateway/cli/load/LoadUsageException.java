package io.hsip.policygateway.cli.load;

/** A load run that cannot start as asked: bad options or a target it must not send to. */
public final class LoadUsageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message is shown to the user as is. */
  public LoadUsageException(String message) {
    super(message);
  }
}
