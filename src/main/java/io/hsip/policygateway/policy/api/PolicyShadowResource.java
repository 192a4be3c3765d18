package io.hsip.policygateway.policy.api;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.catalog.VersionView;
import io.hsip.policygateway.policy.lifecycle.PolicyShadows;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Shadow mode: run a draft next to the live version on every replica, see what it would change on
 * real traffic, then promote or discard it. Starting, promoting and discarding need the admin role;
 * the report any of the three roles.
 */
@Path("/api/v1/policies")
@Tag(name = "Policies", description = "Consent policy lifecycle")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyShadowResource {

  private final PolicyShadows shadows;
  private final SecurityIdentity identity;

  PolicyShadowResource(PolicyShadows shadows, SecurityIdentity identity) {
    this.shadows = shadows;
    this.identity = identity;
  }

  @POST
  @Path("/drafts/{id}/shadow")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Run a draft as the shadow of its set",
      description =
          "Every replica evaluates it next to the live version on every decision and counts where"
              + " it would answer differently; no answer changes. Replaces the set's previous"
              + " shadow. The draft stays.")
  @APIResponse(
      responseCode = "201",
      description = "Shadow started",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = PolicyShadows.Shadow.class)))
  @APIResponse(
      responseCode = "400",
      description = "The draft does not compile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "No such draft",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response start(@PathParam("id") UUID id) {
    PolicyShadows.Shadow shadow = shadows.start(PolicyResource.actorOf(identity), id);
    return Response.created(URI.create("/api/v1/policies/sets/" + shadow.policySet() + "/shadow"))
        .entity(shadow)
        .build();
  }

  @GET
  @Path("/sets/{set}/shadow")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "What the set's shadow would have changed so far",
      description =
          "Decisions per kind of change (allow_to_deny, deny_to_allow, ttl_shorter, ttl_longer)"
              + " and grouped by the rules matched on each side, over every replica; counts are"
              + " written every policy.shadow.refresh-interval.")
  @APIResponse(
      responseCode = "200",
      description = "The report",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = PolicyShadows.Report.class)))
  @APIResponse(
      responseCode = "404",
      description = "The set has no shadow",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public PolicyShadows.Report report(
      @PathParam("set") @Pattern(regexp = SimulationRequest.NAME) String set) {
    return shadows.report(set);
  }

  @POST
  @Path("/sets/{set}/shadow/promote")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Publish the shadow as the next version and end it",
      description = "In four-eyes mode this creates an approval request (202) instead.")
  @APIResponse(
      responseCode = "201",
      description = "Published",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionView.class)))
  @APIResponse(responseCode = "202", description = "Awaiting a second admin's approval")
  @APIResponse(responseCode = "200", description = "Identical to the version in force")
  @APIResponse(
      responseCode = "404",
      description = "The set has no shadow",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response promote(@PathParam("set") @Pattern(regexp = SimulationRequest.NAME) String set) {
    return PolicyResource.imported(shadows.promote(PolicyResource.actorOf(identity), set));
  }

  @DELETE
  @Path("/sets/{set}/shadow")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "End the set's shadow without publishing it")
  @APIResponse(responseCode = "204", description = "Discarded")
  @APIResponse(
      responseCode = "404",
      description = "The set has no shadow",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response discard(@PathParam("set") @Pattern(regexp = SimulationRequest.NAME) String set) {
    shadows.discard(PolicyResource.actorOf(identity), set);
    return Response.noContent().build();
  }
}
