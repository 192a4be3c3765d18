package io.hsip.policygateway.policy.api;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.catalog.ApprovalPage;
import io.hsip.policygateway.policy.catalog.ApprovalView;
import io.hsip.policygateway.policy.catalog.DraftPage;
import io.hsip.policygateway.policy.catalog.DraftView;
import io.hsip.policygateway.policy.catalog.EventView;
import io.hsip.policygateway.policy.catalog.LiveView;
import io.hsip.policygateway.policy.catalog.PolicyCatalog;
import io.hsip.policygateway.policy.catalog.PolicyExport;
import io.hsip.policygateway.policy.catalog.PolicySetView;
import io.hsip.policygateway.policy.catalog.SimulationView;
import io.hsip.policygateway.policy.catalog.ValidationView;
import io.hsip.policygateway.policy.catalog.VersionPage;
import io.hsip.policygateway.policy.catalog.VersionView;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.impact.ImpactReport;
import io.hsip.policygateway.policy.impact.PolicyImpact;
import io.hsip.policygateway.policy.lifecycle.Actor;
import io.hsip.policygateway.policy.lifecycle.PolicyLifecycle;
import io.hsip.policygateway.policy.lifecycle.PolicyProblems;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

/**
 * The policy admin API: drafts, validation, publication (with four-eyes approval when configured),
 * rollback, diff, simulation, GitOps export and import, and the admin event feed. Writes need the
 * admin role; reads any of the three roles. Documents travel as YAML ({@code application/yaml});
 * everything else as JSON. Invalid documents are {@code 400} problems listing each error with its
 * JSON pointer, line, column, code and rule id. Reads go to {@link PolicyCatalog}, changes to
 * {@link PolicyLifecycle}.
 */
@Path("/api/v1/policies")
@Tag(name = "Policies", description = "Consent policy lifecycle")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

  private final PolicyLifecycle lifecycle;
  private final PolicyCatalog catalog;
  private final PolicyImpact impact;
  private final SecurityIdentity identity;
  private final Clock clock;

  PolicyResource(
      PolicyLifecycle lifecycle,
      PolicyCatalog catalog,
      PolicyImpact impact,
      SecurityIdentity identity,
      Clock clock) {
    this.lifecycle = lifecycle;
    this.catalog = catalog;
    this.impact = impact;
    this.identity = identity;
    this.clock = clock;
  }

  // --- Sets, validation, live
  // ---------------------------------------------------------------------

  @GET
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Policy sets with their latest (in force) version")
  public List<PolicySetView> sets() {
    return catalog.sets();
  }

  @GET
  @Path("/live")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "The policy version this replica enforces",
      description = "Null version: none loaded, every decision is a deny.")
  public LiveView live() {
    return catalog.live();
  }

  @POST
  @Path("/validate")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Check a policy document without saving it",
      description =
          "Schema, references, CEL and lints. 400 lists every error with line, column, JSON pointer and rule.")
  @RequestBody(
      content =
          @Content(mediaType = "application/yaml", schema = @Schema(type = SchemaType.STRING)))
  @APIResponse(responseCode = "200", description = "Valid; warnings listed")
  @APIResponse(
      responseCode = "400",
      description = "Invalid",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "413",
      description = "Larger than policy.limits.max-document-bytes",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Too costly to compile: over policy.limits.max-compile-time of CPU",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Every compilation slot busy for policy.compile.queue-timeout; retry later",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ValidationView validate(byte[] document) {
    return catalog.validate(document);
  }

  // --- Drafts
  // -------------------------------------------------------------------------------------

  @GET
  @Path("/drafts")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Drafts, most recently edited first (without documents), a page at a time",
      description =
          "Ordered by last edit, newest first, ties by id. Keyset pagination: pass next_before of a"
              + " page as before (an opaque cursor); next_before is null on the last page. A draft"
              + " edited while you page moves to the front.")
  @APIResponse(
      responseCode = "200",
      description = "A page of drafts",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DraftPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "limit out of range, or before not a cursor this API returned",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DraftPage drafts(
      @Parameter(description = "the next_before of the previous page") @QueryParam("before")
          @Nullable String before,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return catalog.drafts(before, limit);
  }

  @POST
  @Path("/drafts")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Create a draft from a YAML document",
      description = "The document must be valid; 400 lists every error.")
  @APIResponse(
      responseCode = "201",
      description = "Created; ETag is the revision",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DraftView.class)))
  @APIResponse(
      responseCode = "400",
      description = "Invalid document",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Too costly to compile: over policy.limits.max-compile-time of CPU",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Every compilation slot busy for policy.compile.queue-timeout; retry later",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createDraft(byte[] document) {
    return draftCreated(DraftView.from(lifecycle.createDraft(actor(), document)));
  }

  @GET
  @Path("/drafts/{id}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One draft, with its document; ETag is the revision")
  @APIResponse(
      responseCode = "200",
      description = "The draft",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DraftView.class)))
  public Response draft(@PathParam("id") UUID id) {
    DraftView draft = catalog.draft(id);
    return Response.ok(draft).tag(etag(draft)).build();
  }

  @PUT
  @Path("/drafts/{id}")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Replace a draft's document",
      description =
          "If-Match is required: send the draft's ETag (its revision). 412 if the draft changed meanwhile;"
              + " 428 without If-Match.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DraftView.class)))
  @APIResponse(
      responseCode = "412",
      description = "The draft changed meanwhile, or If-Match is a weak ETag (which never matches)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Too costly to compile: over policy.limits.max-compile-time of CPU",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Every compilation slot busy for policy.compile.queue-timeout; retry later",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response updateDraft(
      @PathParam("id") UUID id,
      @HeaderParam("If-Match") @Nullable String ifMatch,
      byte[] document) {
    DraftView draft =
        DraftView.from(
            lifecycle.updateDraft(actor(), id, requiredRevision(ifMatch, "updating"), document));
    return Response.ok(draft).tag(etag(draft)).build();
  }

  @DELETE
  @Path("/drafts/{id}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Delete a draft",
      description =
          "If-Match is required: send the ETag of the draft you mean to delete; 412 if it changed"
              + " meanwhile, 428 without it.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(
      responseCode = "412",
      description = "The draft changed, or If-Match is a weak ETag (which never matches)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void deleteDraft(
      @PathParam("id") UUID id, @HeaderParam("If-Match") @Nullable String ifMatch) {
    lifecycle.deleteDraft(actor(), id, requiredRevision(ifMatch, "deleting"));
  }

  @POST
  @Path("/drafts/{id}/publish")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Publish a draft as the next version",
      description =
          "In four-eyes mode this creates an approval request (202) instead. The draft is consumed."
              + " If-Match is required: send the ETag of the draft you reviewed; 412 if it changed meanwhile, 428 without it.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(
      responseCode = "201",
      description = "Published",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionView.class)))
  @APIResponse(
      responseCode = "202",
      description = "Awaiting a second admin's approval",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ApprovalView.class)))
  @APIResponse(
      responseCode = "409",
      description = "Identical to the version in force",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The draft changed meanwhile, or If-Match is a weak ETag (which never matches)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response publish(
      @PathParam("id") UUID id, @HeaderParam("If-Match") @Nullable String ifMatch) {
    return publication(
        lifecycle.publishDraft(actor(), id, requiredRevision(ifMatch, "publishing")));
  }

  @POST
  @Path("/drafts/{id}/simulate")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Decide one request with a draft, with the explanation")
  @APIResponse(
      responseCode = "200",
      description = "The decision",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = SimulationView.class)))
  @APIResponse(
      responseCode = "422",
      description = "Too costly to compile: over policy.limits.max-compile-time of CPU",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Every compilation slot busy for policy.compile.queue-timeout; retry later",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public SimulationView simulateDraft(
      @PathParam("id") UUID id, @NotNull @Valid SimulationRequest request) {
    return catalog.simulateDraft(id, request.toPolicyRequest(clock.millis()));
  }

  @POST
  @Path("/drafts/{id}/impact")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
  @Operation(
      summary = "Replay recorded decisions against a draft",
      description =
          "Replays the decisions the audit log recorded over a window (default: the last 7 days)"
              + " against the draft and counts those it would answer differently (allow to deny,"
              + " deny to allow, shorter or longer TTL), grouped by the rules on both sides, with"
              + " sample entries. The body is optional. One analysis runs at a time per replica,"
              + " within policy.impact.max-duration; a run that stops there says so"
              + " (complete: false, stopped_at).")
  @APIResponse(
      responseCode = "200",
      description = "The impact",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ImpactReport.class)))
  @APIResponse(
      responseCode = "400",
      description = "An empty or inverted window",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "No such draft",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "Another analysis is running on this replica, or the audit log cannot be read; retry"
              + " after Retry-After",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ImpactReport impact(@PathParam("id") UUID id, @Nullable ImpactRequest request) {
    return request == null
        ? impact.analyse(id, null, null)
        : impact.analyse(id, request.from(), request.to());
  }

  // --- GitOps
  // -------------------------------------------------------------------------------------

  @POST
  @Path("/import")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Import a YAML document (GitOps)",
      description =
          "Saves it as a draft; with publish=true publishes it too (202 in four-eyes mode). Re-importing the version in force with publish=true changes nothing (200).")
  @APIResponse(
      responseCode = "200",
      description = "Identical to the version in force; nothing changed",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionView.class)))
  @APIResponse(
      responseCode = "201",
      description = "Draft saved, or version published",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(oneOf = {DraftView.class, VersionView.class})))
  @APIResponse(
      responseCode = "202",
      description = "Awaiting approval",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ApprovalView.class)))
  @APIResponse(
      responseCode = "422",
      description = "Too costly to compile: over policy.limits.max-compile-time of CPU",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description = "Every compilation slot busy for policy.compile.queue-timeout; retry later",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response importDocument(
      @QueryParam("publish") @DefaultValue("false") boolean publish, byte[] document) {
    return imported(lifecycle.importDocument(actor(), document, publish));
  }

  /** The response to an import (or a shadow's promotion): 200, 201 or 202. */
  static Response imported(PolicyLifecycle.Imported imported) {
    return switch (imported) {
      case PolicyLifecycle.Imported.Unchanged unchanged ->
          Response.ok(VersionView.from(unchanged)).build();
      case PolicyLifecycle.Imported.SavedAsDraft saved ->
          draftCreated(DraftView.from(saved.saved()));
      case PolicyLifecycle.Imported.Publishing publishing -> publication(publishing.publication());
    };
  }

  @GET
  @Path("/sets/{set}/export")
  @Produces("application/yaml")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "The version in force as YAML (GitOps)",
      description = "Headers: X-Policy-Version, X-Policy-Digest.")
  public Response exportLatest(@PathParam("set") String set) {
    return export(catalog.exportLatest(set));
  }

  @GET
  @Path("/sets/{set}/versions/{version}/export")
  @Produces("application/yaml")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One version as YAML, exactly as published")
  public Response exportVersion(@PathParam("set") String set, @PathParam("version") int version) {
    return export(catalog.export(set, version));
  }

  // --- Versions
  // -----------------------------------------------------------------------------------

  @GET
  @Path("/sets/{set}/versions")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Versions of a set, newest first (without documents), a page at a time",
      description =
          "Ordered by version number, highest first. Keyset pagination: pass next_before of a page"
              + " (a version number) as before; next_before is null on the last page.")
  @APIResponse(
      responseCode = "200",
      description = "A page of versions",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "limit out of range, or before not a version number",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "No such policy set",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public VersionPage versions(
      @PathParam("set") String set,
      @Parameter(
              description = "only versions below this number: the next_before of the previous page")
          @QueryParam("before")
          @Nullable String before,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return catalog.versions(set, before, limit);
  }

  @GET
  @Path("/sets/{set}/versions/{version}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One version, with its document")
  public VersionView version(@PathParam("set") String set, @PathParam("version") int version) {
    return catalog.version(set, version);
  }

  @POST
  @Path("/sets/{set}/versions/{version}/simulate")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Decide one request with any published version, with the explanation")
  public SimulationView simulate(
      @PathParam("set") String set,
      @PathParam("version") int version,
      @NotNull @Valid SimulationRequest request) {
    return catalog.simulate(set, version, request.toPolicyRequest(clock.millis()));
  }

  @GET
  @Path("/sets/{set}/diff")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Rule-level diff between two versions",
      description = "Rules are matched by id; changed rules list each changed field.")
  public PolicyDiff diff(
      @PathParam("set") String set,
      @QueryParam("from") @NotNull @Positive Integer from,
      @QueryParam("to") @NotNull @Positive Integer to) {
    return catalog.diff(set, from, to);
  }

  @POST
  @Path("/sets/{set}/rollback")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Publish an earlier version again as the next version",
      description = "202 in four-eyes mode.")
  @APIResponse(
      responseCode = "201",
      description = "Rolled back",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionView.class)))
  @APIResponse(
      responseCode = "202",
      description = "Awaiting approval",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ApprovalView.class)))
  @APIResponse(
      responseCode = "409",
      description = "That version's content is already in force",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response rollback(@PathParam("set") String set, @NotNull @Valid RollbackRequest request) {
    return publication(lifecycle.rollback(actor(), set, request.toVersion()));
  }

  // --- Approvals
  // ----------------------------------------------------------------------------------

  @GET
  @Path("/approvals")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Approval requests with a status (default pending), oldest first, a page at a time",
      description =
          "Ordered by request time, oldest first, ties by id. Keyset pagination: pass next_after of"
              + " a page as after (an opaque cursor); next_after is null on the last page.")
  @APIResponse(
      responseCode = "200",
      description = "A page of approval requests",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ApprovalPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "Unknown status, limit out of range, or after not a cursor this API returned",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ApprovalPage approvals(
      @QueryParam("status") @DefaultValue("pending") @Pattern(regexp = "pending|approved|rejected")
          String status,
      @Parameter(description = "the next_after of the previous page") @QueryParam("after")
          @Nullable String after,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return catalog.approvals(status, after, limit);
  }

  @GET
  @Path("/approvals/{id}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One approval request")
  public ApprovalView approval(@PathParam("id") UUID id) {
    return catalog.approval(id);
  }

  @POST
  @Path("/approvals/{id}/approve")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Approve a pending publication (a different admin than the requester)")
  @APIResponse(
      responseCode = "201",
      description = "Published",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = VersionView.class)))
  @APIResponse(
      responseCode = "403",
      description = "The requester, an editor of the draft, or a service account cannot approve it",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "Already decided, or superseded by a newer version",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response approve(@PathParam("id") UUID id) {
    return published(VersionView.summary(lifecycle.approve(actor(), id)));
  }

  @POST
  @Path("/approvals/{id}/reject")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Reject (or, as its requester, withdraw) a pending publication")
  public ApprovalView reject(@PathParam("id") UUID id, @NotNull @Valid RejectRequest request) {
    return ApprovalView.from(lifecycle.reject(actor(), id, request.reason()));
  }

  // --- Admin events
  // -------------------------------------------------------------------------------

  @GET
  @Path("/events")
  @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
  @Operation(
      summary = "Admin events in order, after an id (keyset pagination)",
      description = "Pass the last id you saw as after; ids follow commit order.")
  public List<EventView> events(
      @QueryParam("after") @DefaultValue("0") @Min(0) long after,
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
      @QueryParam("policy_set") @Nullable @Pattern(regexp = SimulationRequest.NAME)
          String policySet) {
    return catalog.events(after, limit, policySet);
  }

  // --- HTTP translation
  // ---------------------------------------------------------------------------

  /**
   * The caller as the lifecycle knows them: the token's {@code sub} (compared by four-eyes) and the
   * principal name (shown to people).
   *
   * <p>A token counts as a service account's, which may change policies but never approve them, if
   * its {@code preferred_username} starts with {@code service-account-} (how Keycloak names the
   * user behind a client's credentials grant), or it carries the {@code client_id} (or older {@code
   * clientId}) claim that Keycloak adds to service-account tokens only. {@code azp} is not a sign:
   * people's tokens carry it too. A token without a {@code sub} is refused outright: there is
   * nothing stable to compare.
   */
  private Actor actor() {
    return actorOf(identity);
  }

  /** {@link #actor()} for another resource of the policy API. */
  static Actor actorOf(SecurityIdentity identity) {
    if (!(identity.getPrincipal() instanceof JsonWebToken token)
        || token.getSubject() == null
        || token.getSubject().isBlank()) {
      throw new ForbiddenException("policy changes need a bearer token with a subject (sub)");
    }
    String username = token.getClaim("preferred_username");
    boolean serviceAccount =
        (username != null && username.startsWith("service-account-"))
            || token.containsClaim("client_id")
            || token.containsClaim("clientId");
    return new Actor(token.getSubject(), identity.getPrincipal().getName(), serviceAccount);
  }

  private static Response publication(PolicyLifecycle.Publication publication) {
    return switch (publication) {
      case PolicyLifecycle.Publication.Published published ->
          published(VersionView.from(published));
      case PolicyLifecycle.Publication.AwaitingApproval awaiting -> {
        ApprovalView approval = ApprovalView.from(awaiting);
        yield Response.accepted(approval)
            .location(URI.create("/api/v1/policies/approvals/" + approval.id()))
            .build();
      }
    };
  }

  private static Response published(VersionView version) {
    return Response.created(
            URI.create(
                "/api/v1/policies/sets/" + version.policySet() + "/versions/" + version.version()))
        .entity(version)
        .build();
  }

  private static Response draftCreated(DraftView draft) {
    return Response.created(URI.create("/api/v1/policies/drafts/" + draft.id()))
        .tag(etag(draft))
        .entity(draft)
        .build();
  }

  private static Response export(PolicyExport export) {
    return Response.ok(export.document(), "application/yaml")
        .header("X-Policy-Version", export.version())
        .header("X-Policy-Digest", export.digest())
        .header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"")
        .build();
  }

  private static EntityTag etag(DraftView draft) {
    return new EntityTag(Integer.toString(draft.revision()));
  }

  /**
   * The revision a change is based on. Without it, the change would silently replace whatever
   * another admin saved meanwhile, so it is required; {@code *} is the explicit "whatever is there
   * now".
   */
  private static @Nullable Integer requiredRevision(@Nullable String ifMatch, String doing) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw PolicyProblems.IF_MATCH_REQUIRED.exception(
          doing
              + " a draft requires If-Match with the draft's ETag (its revision,"
              + " e.g. \"3\"), so that a change made meanwhile is not overwritten; GET the draft to learn it");
    }
    if (ifMatch.strip().equals("*")) {
      return null;
    }
    return revision(ifMatch);
  }

  private static Integer revision(String ifMatch) {
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      // Accepting it would let a client that holds only a weak validator overwrite a draft.
      throw PolicyProblems.WEAK_ETAG.exception(
          "If-Match uses the strong comparison, so a weak ETag (W/\"...\") never matches;"
              + " send the draft's ETag as it is, e.g. \"1\"");
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    if (!tag.matches("-?[0-9]{1,9}")) {
      throw new BadRequestException("If-Match must be a draft revision such as \"3\"");
    }
    return Integer.parseInt(tag);
  }
}
