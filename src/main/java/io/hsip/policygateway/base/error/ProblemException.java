package io.hsip.policygateway.base.error;

import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A feature error that reaches a client as a problem document: its {@link ProblemType} fixes the
 * status, type and title; the message becomes {@code detail}, so it must be safe to show. A cause,
 * if any, is logged by {@link ProblemMappers} and never sent.
 *
 * <p>Throw it directly ({@code PolicyProblems.NOT_FOUND.exception("…")}); subclass only to carry
 * data the mapper shows (violations) or a contract a caller catches by type ({@code
 * AuditAppendException}).
 */
public class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType problemType;
  private java.time.@Nullable Duration retryAfter;

  /** Creates the exception; {@code detail} is shown to the client. */
  public ProblemException(ProblemType problemType, String detail) {
    super(detail);
    this.problemType = problemType;
  }

  /** Creates the exception with a cause kept for the log only. */
  public ProblemException(ProblemType problemType, String detail, Throwable cause) {
    super(detail, cause);
    this.problemType = problemType;
  }

  /** What kind of problem this is. */
  public ProblemType problemType() {
    return problemType;
  }

  /** HTTP status. */
  public int status() {
    return problemType.status();
  }

  /** Short title of the problem type. */
  public String title() {
    return problemType.title();
  }

  /** Problem type URI, e.g. {@code https://hsip.io/problems/signing-key-unavailable}. */
  public URI type() {
    return problemType.type();
  }

  /**
   * How long the client should wait before trying again ({@code Retry-After}, whole seconds), or
   * null: set by refusals for load (a 503 or 429) so that clients back off instead of retrying at
   * once.
   */
  public java.time.@Nullable Duration retryAfter() {
    return retryAfter;
  }

  /**
   * Asks the client to wait {@code delay} before trying again (rounded up to whole seconds, at
   * least one); for refusals for load.
   */
  public ProblemException withRetryAfter(java.time.Duration delay) {
    this.retryAfter = delay;
    return this;
  }

  /** Field-level problems listed in the body ({@code violations}), or null for none. */
  public @Nullable List<Problem.Violation> violations() {
    return null;
  }
}
