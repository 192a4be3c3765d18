package io.hsip.policygateway.base.error;

import java.net.URI;
import java.util.Objects;

/**
 * One kind of problem a client can meet: its HTTP status, its type URI and its title (RFC 9457
 * §3.1). Features declare their types as constants (e.g. {@code PolicyProblems.NOT_FOUND}) and
 * throw a {@link ProblemException} carrying one, so that a new kind of error is one line, not a new
 * class.
 *
 * @param status the HTTP status every problem of this type is answered with
 * @param slug the last segment of the type URI, lower-case words joined by {@code -}
 * @param title the short, human-readable summary, the same for every occurrence
 */
public record ProblemType(int status, String slug, String title) {

  /** Base URI of this service's problem types. */
  public static final String TYPE_BASE = "https://hsip.io/problems/";

  /** Validates the parts: an error status, a slug that is a valid URI segment, a title. */
  public ProblemType {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem's status must be 4xx or 5xx, not " + status);
    }
    if (!Objects.requireNonNull(slug, "slug").matches("[a-z0-9]+(-[a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "a problem slug must be lower-case words joined by '-': " + slug);
    }
    if (Objects.requireNonNull(title, "title").isBlank()) {
      throw new IllegalArgumentException("a problem needs a title");
    }
  }

  /** Declares a type; reads like a table row at the declaration site. */
  public static ProblemType of(int status, String slug, String title) {
    return new ProblemType(status, slug, title);
  }

  /** The type URI, e.g. {@code https://hsip.io/problems/signing-key-unavailable}. */
  public URI type() {
    return URI.create(TYPE_BASE + slug);
  }

  /** A problem of this type with {@code detail} (shown to the client). */
  public ProblemException exception(String detail) {
    return new ProblemException(this, detail);
  }

  /** A problem of this type with {@code detail} (shown) and a cause (kept for the log only). */
  public ProblemException exception(String detail, Throwable cause) {
    return new ProblemException(this, detail, cause);
  }
}
