package io.hsip.policygateway.gateway.api;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The decision API of the organisation's own HSIP daemons. */
@Path("/api/v1/decisions")
@Tag(name = "Decisions", description = "Consent decisions for the organisation's HSIP daemons")
public class DecisionResource {

  private final DaemonDecisions decisions;
  private final JsonWebToken token;

  DecisionResource(DaemonDecisions decisions, JsonWebToken token) {
    this.decisions = decisions;
    this.token = token;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.DAEMON)
  // Deciding waits for the audit commit: never on the event loop.
  @Blocking
  @Operation(
      summary = "Decide a consent request a daemon received",
      description =
          "The gateway verifies the request itself, decides it with the live policy, audits it and"
              + " returns the effect, granted TTL, reason code and a receipt signed with the gateway"
              + " key. Allow and deny are both 200. The token's subject must be bound to a member or"
              + " service of the directory, and the request addressed to that identity.")
  @APIResponse(
      responseCode = "200",
      description = "Decided (allow or deny)",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DecisionView.class)))
  @APIResponse(
      responseCode = "400",
      description = "The body holds no well-formed consent request",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "403",
      description = "Not a daemon, daemon not bound, or not the daemon's identity",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "The directory or the gateway key is unavailable",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DecisionView decide(@NotNull DecisionRequest body) {
    return decisions.decide(token.getSubject(), body);
  }
}
