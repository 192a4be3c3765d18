package io.hsip.policygateway.base.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem detail, the body of every error response.
 *
 * @param type URI identifying the problem type ({@code about:blank} for plain HTTP statuses)
 * @param title short, human-readable summary of the type
 * @param status HTTP status code
 * @param detail explanation specific to this occurrence; never a stack trace or class name
 * @param instance the request path that failed
 * @param errorId correlation id for server errors, also in the server log
 * @param violations field-level problems of a rejected request, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(
    name = "Problem",
    description = "RFC 9457 problem details: the body of every error response")
public record Problem(
    URI type,
    String title,
    int status,
    @Nullable String detail,
    @Nullable String instance,
    @Nullable String errorId,
    @Nullable List<Violation> violations) {

  /** The media type of problem documents. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /**
   * One rejected field. For an uploaded document the optional members place it in the document.
   *
   * @param field where in the request (a property path or JSON pointer)
   * @param message what is wrong with it
   * @param code stable kind of problem, if the feature names one
   * @param line 1-based line in an uploaded document, if known
   * @param column 1-based column in an uploaded document, if known
   * @param rule id of the policy rule concerned, if any
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Violation(
      String field,
      String message,
      @Nullable String code,
      @Nullable Integer line,
      @Nullable Integer column,
      @Nullable String rule) {

    /** A violation of a request field. */
    public Violation(String field, String message) {
      this(field, message, null, null, null, null);
    }
  }
}
