package io.hsip.policygateway.base.error;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives the HTTP layer's body-size refusal the same problem+json shape as every other error: a
 * request whose declared {@code Content-Length} exceeds {@code quarkus.http.limits.max-body-size}
 * is answered here, before any resource or exception mapper could run (and before the framework's
 * bodiless 413).
 */
@ApplicationScoped
public class HttpLimitProblems {

  private static final String TOO_LARGE =
      "{\"type\":\"about:blank\",\"title\":\"Request Entity Too Large\",\"status\":413,"
          + "\"detail\":\"The request body is larger than this server accepts.\"}";

  private final long maxBodyBytes;

  HttpLimitProblems(
      // The framework's own key: one limit, configured once, enforced the same way by both
      // handlers.
      @ConfigProperty(name = "quarkus.http.limits.max-body-size")
          Optional<MemorySize> maxBodySize) {
    this.maxBodyBytes = maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
  }

  private void checkDeclaredLength(RoutingContext context) {
    String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && exceeds(declared)) {
      HttpServerResponse response =
          context
              .response()
              .setStatusCode(413)
              .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
      // HTTP/1.1: the unread body would otherwise be taken for the next request. HTTP/2 forbids
      // connection headers (clients reject the response) and resets the stream instead.
      if (context.request().version() != HttpVersion.HTTP_2) {
        response.putHeader(HttpHeaders.CONNECTION, "close");
      }
      response.end(TOO_LARGE);
      return;
    }
    context.next();
  }

  private boolean exceeds(String declared) {
    try {
      return Long.parseLong(declared.trim()) > maxBodyBytes;
    } catch (NumberFormatException e) {
      // A malformed length is the HTTP codec's business, which rejects it with 400.
      return false;
    }
  }
}
