package io.hsip.policygateway.base.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hsip.policygateway.base.ApiPaths;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception that leaves a resource into an RFC 9457 problem document.
 *
 * <p>Rules (quarkus-resteasy-problem's): consistent shape for every status; no class names, stack
 * traces or parser internals in the body; 5xx are logged once here at ERROR with an error id that
 * the body repeats; 4xx are the client's business and are not logged as errors.
 */
public class ProblemMappers {

  private static final URI BLANK = URI.create("about:blank");

  @ServerExceptionMapper
  public Response feature(ProblemException e, UriInfo uri) {
    if (e.status() >= 500 && e.getCause() != null) {
      // An underlying failure (database, I/O): logged here once, with an id the client can quote.
      return serverError(e, uri, e.status(), e.type(), e.title(), e.getMessage());
    }
    if (e.status() >= 500) {
      // A known condition (no signing key): its cause was logged when it arose; one line per
      // refusal.
      Log.warnf("Request %s refused with %d: %s", path(uri), e.status(), e.title());
    }
    Response response =
        respond(
            new Problem(
                e.type(), e.title(), e.status(), e.getMessage(), path(uri), null, e.violations()));
    if (e.retryAfter() != null) {
      // Whole seconds, rounded up: a client must never retry sooner than asked.
      long millis = e.retryAfter().toMillis();
      response.getHeaders().putSingle("Retry-After", Math.max(1, (millis + 999) / 1000));
    }
    return response;
  }

  @ServerExceptionMapper
  public Response http(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
      // The JSON body reader wraps syntax errors; give them the same shape as binding errors.
      return malformed(json, uri);
    }
    if (status >= 500) {
      return serverError(e, uri, status, BLANK, reason(status), null);
    }
    return respond(
        new Problem(BLANK, reason(status), status, clientDetail(status), path(uri), null, null));
  }

  /**
   * An authentication that failed. On the API side a 401 problem. On the console side the OIDC
   * tenant's own challenge, a redirect to the identity provider's login: with lazy authentication
   * this mapper also sees the failures of the HTTP permission checks in front of the console, such
   * as a session whose tokens can no longer be refreshed because the SSO session ended, and a 401
   * JSON body there would leave a person on an error page instead of the login.
   */
  @ServerExceptionMapper
  public Uni<Response> unauthenticated(
      AuthenticationFailedException e, UriInfo uri, RoutingContext context) {
    HttpAuthenticator authenticator = context.get(HttpAuthenticator.class.getName());
    if (authenticator == null || ApiPaths.isApi(context.normalizedPath())) {
      return Uni.createFrom().item(unauthorized(uri));
    }
    return authenticator
        .getChallenge(context)
        .map(
            challenge -> {
              Response.ResponseBuilder response = Response.status(challenge.status);
              challenge
                  .getHeaders()
                  .forEach((name, value) -> response.header(name.toString(), value));
              return response.build();
            });
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, UriInfo uri) {
    return unauthorized(uri);
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(new Problem(BLANK, reason(403), 403, clientDetail(403), path(uri), null, null));
  }

  @ServerExceptionMapper
  public Response validation(ConstraintViolationException e, UriInfo uri) {
    List<Problem.Violation> violations =
        e.getConstraintViolations().stream()
            .map(ProblemMappers::violation)
            .sorted(Comparator.comparing(Problem.Violation::field))
            .toList();
    return respond(
        new Problem(
            URI.create(ProblemType.TYPE_BASE + "invalid-request"),
            "Invalid request",
            400,
            "The request has " + violations.size() + " invalid field(s).",
            path(uri),
            null,
            violations));
  }

  // One method per Jackson type: the framework's own mappers for these exact types would otherwise
  // win.
  @ServerExceptionMapper
  public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
    return malformed(e, uri);
  }

  @ServerExceptionMapper
  public Response wrongType(MismatchedInputException e, UriInfo uri) {
    return malformed(e, uri);
  }

  @ServerExceptionMapper
  public Response wrongFormat(InvalidFormatException e, UriInfo uri) {
    return malformed(e, uri);
  }

  @ServerExceptionMapper
  public Response notJson(JsonParseException e, UriInfo uri) {
    return malformed(e, uri);
  }

  @ServerExceptionMapper
  public Response otherJson(JsonProcessingException e, UriInfo uri) {
    return malformed(e, uri);
  }

  @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
  public Response unexpected(Throwable e, UriInfo uri) {
    return serverError(e, uri, 500, BLANK, reason(500), null);
  }

  private static Response unauthorized(UriInfo uri) {
    // Never say why a token was refused (expired, wrong issuer, bad signature): that helps
    // attackers.
    return Response.fromResponse(
            respond(new Problem(BLANK, reason(401), 401, clientDetail(401), path(uri), null, null)))
        .header("WWW-Authenticate", "Bearer")
        .build();
  }

  private static Response malformed(JsonProcessingException e, UriInfo uri) {
    String detail;
    if (e instanceof UnrecognizedPropertyException unknown) {
      detail = "Unknown field `" + unknown.getPropertyName() + "`.";
    } else if (e instanceof MismatchedInputException) {
      detail = "A field has the wrong type or format" + at(e) + ".";
    } else if (e instanceof JsonParseException) {
      detail = "The body is not valid JSON" + at(e) + ".";
    } else {
      detail = "The body could not be read as JSON" + at(e) + ".";
    }
    return respond(
        new Problem(
            URI.create(ProblemType.TYPE_BASE + "malformed-body"),
            "Malformed request body",
            400,
            detail,
            path(uri),
            null,
            null));
  }

  private static Response serverError(
      Throwable e, UriInfo uri, int status, URI type, String title, String detail) {
    String errorId = UUID.randomUUID().toString();
    Log.errorf(e, "Request %s failed with %d (error id %s)", path(uri), status, errorId);
    String shown =
        detail != null
            ? detail
            : "The request could not be completed. Quote error id " + errorId + ".";
    return respond(new Problem(type, title, status, shown, path(uri), errorId, null));
  }

  private static Response respond(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  private static Problem.Violation violation(ConstraintViolation<?> v) {
    // Parameter paths read "method.parameter.field"; the client knows only the part after the
    // parameter.
    String[] parts = v.getPropertyPath().toString().split("\\.", 3);
    String field = parts.length == 3 ? parts[2] : parts[parts.length - 1];
    return new Problem.Violation(field, v.getMessage());
  }

  private static String at(JsonProcessingException e) {
    if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
      return "";
    }
    return " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String reason(int status) {
    Response.Status known = Response.Status.fromStatusCode(status);
    return known != null ? known.getReasonPhrase() : "HTTP " + status;
  }

  private static String clientDetail(int status) {
    return switch (status) {
      case 400 -> "The request is malformed.";
      case 401 -> "A valid bearer token is required.";
      case 403 -> "You are not allowed to do this.";
      case 404 -> "There is nothing at this path.";
      case 405 -> "This method is not supported here.";
      case 406 -> "None of the accepted media types can be produced here; see the API description.";
      case 415 -> "This endpoint does not accept that media type; see the API description.";
      default -> null;
    };
  }

  private static String path(UriInfo uri) {
    return uri.getPath();
  }
}
