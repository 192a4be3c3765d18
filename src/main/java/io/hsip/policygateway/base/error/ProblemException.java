package io.hsip.policygateway.base.error;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Base of every feature exception that should reach a client as a problem document. Subclasses fix
 * the status, type and title; the message becomes {@code detail}, so it must be safe to show.
 */
public abstract class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Base URI of this service's problem types. */
  public static final String TYPE_BASE = "https://hsip.io/problems/";

  /** Creates the exception; {@code detail} is shown to the client. */
  protected ProblemException(String detail) {
    super(detail);
  }

  /** Creates the exception with a cause kept for the log only. */
  protected ProblemException(String detail, Throwable cause) {
    super(detail, cause);
  }

  /** HTTP status. */
  public abstract int status();

  /** Short title of the problem type. */
  public abstract String title();

  /** Problem type URI, e.g. {@code https://hsip.io/problems/signing-key-unavailable}. */
  public URI type() {
    return URI.create(TYPE_BASE + slug());
  }

  /** Field-level problems listed in the body ({@code violations}), or null for none. */
  public @Nullable List<Problem.Violation> violations() {
    return null;
  }

  /** Last segment of {@link #type()}. */
  protected abstract String slug();
}
