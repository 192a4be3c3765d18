package io.hsip.policygateway.policy.lifecycle;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.identity.Roles;
import io.hsip.policygateway.policy.compile.Compilation;
import io.hsip.policygateway.policy.compile.CompiledPolicy;
import io.hsip.policygateway.policy.compile.Finding;
import io.hsip.policygateway.policy.compile.PolicyDiff;
import io.hsip.policygateway.policy.live.LivePolicy;
import io.hsip.policygateway.policy.model.PolicyDecision;
import io.hsip.policygateway.policy.model.PolicyRequest;
import io.hsip.policygateway.policy.model.RequesterKind;
import io.hsip.policygateway.policy.model.Rule;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

/**
 * The policy admin API: drafts, validation, publication (with four-eyes approval when configured),
 * rollback, diff, simulation, GitOps export and import, and the admin event feed. Writes need the admin
 * role; reads any of the three roles. Documents travel as YAML ({@code application/yaml}); everything
 * else as JSON. Invalid documents are {@code 400} problems listing each error with its JSON pointer,
 * line, column, code and rule id.
 */
@Path("/api/v1/policies")
@Tag(name = "Policies", description = "Consent policy lifecycle")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

  private static final String PEER_ID = "^[A-Z2-7]{26}$";
  private static final String NAME = "^[a-z0-9][a-z0-9._-]{0,62}$";

  private final PolicyLifecycle lifecycle;
  private final LivePolicy live;
  private final SecurityIdentity identity;
  private final Clock clock;

  PolicyResource(PolicyLifecycle lifecycle, LivePolicy live, SecurityIdentity identity, Clock clock) {
    this.lifecycle = lifecycle;
    this.live = live;
    this.identity = identity;
    this.clock = clock;
  }

  // --- API shapes ---------------------------------------------------------------------------------

  /**
   * A finding (warning) in an accepted document.
   *
   * @param severity error or warning
   * @param code kind of finding
   * @param message what
   * @param pointer JSON pointer
   * @param line line
   * @param column column
   * @param rule rule id, if any
   */
  public record FindingView(String severity, String code, String message, String pointer, int line, int column,
      @Nullable String rule) {
    static FindingView from(Finding f) {
      return new FindingView(f.severity().text(), f.code(), f.message(), f.pointer(), f.line(), f.column(), f.ruleId());
    }

    static List<FindingView> all(List<Finding> findings) {
      return findings.stream().map(FindingView::from).toList();
    }
  }

  /**
   * A draft.
   *
   * @param id draft id
   * @param policySet the set the document names
   * @param revision send it back in If-Match to update
   * @param digest SHA-256 of the canonical form
   * @param createdBy who created it
   * @param createdAt when
   * @param updatedBy who changed it last
   * @param updatedAt when
   * @param warnings lint warnings of the document (on create and update only)
   * @param document the YAML document (on single reads, create and update)
   */
  public record DraftView(UUID id, String policySet, int revision, String digest, String createdBy, Instant createdAt,
      String updatedBy, Instant updatedAt, @Nullable List<FindingView> warnings, @Nullable String document) {
    static DraftView from(PolicyDraft d, @Nullable List<Finding> warnings, boolean withDocument) {
      return new DraftView(d.id, d.policySet, d.revision, d.digest, d.createdBy, d.createdAt, d.updatedBy, d.updatedAt,
          warnings == null ? null : FindingView.all(warnings), withDocument ? d.source : null);
    }
  }

  /**
   * A published version.
   *
   * @param policySet set
   * @param version number
   * @param digest SHA-256 of the canonical form
   * @param ruleCount rules
   * @param publishedBy publisher (the requester in four-eyes mode)
   * @param publishedAt when
   * @param approvedBy the second admin, in four-eyes mode
   * @param rolledBackFrom the version it re-publishes, for a rollback
   * @param document the YAML document (single reads only)
   */
  public record VersionView(String policySet, int version, String digest, int ruleCount, String publishedBy,
      Instant publishedAt, @Nullable String approvedBy, @Nullable Integer rolledBackFrom, @Nullable String document) {
    static VersionView from(PolicyVersion v, boolean withDocument) {
      return new VersionView(v.policySet(), v.version(), v.digest, v.ruleCount, v.publishedBy, v.publishedAt,
          v.approvedBy, v.rolledBackFrom, withDocument ? v.source : null);
    }
  }

  /**
   * A four-eyes approval request.
   *
   * @param id request id
   * @param policySet set
   * @param kind publish or rollback
   * @param status pending, approved or rejected
   * @param digest of the document to publish
   * @param rollbackOf for a rollback, the version to publish again
   * @param baseVersion the version in force when requested
   * @param requestedBy requester
   * @param authors who wrote what is to be published (the draft's editors and the requester); none may approve
   * @param requestedAt when
   * @param decidedBy approver or rejecter
   * @param decidedAt when
   * @param reason why rejected
   * @param version the version published on approval
   */
  public record ApprovalView(UUID id, String policySet, String kind, String status, String digest,
      @Nullable Integer rollbackOf, @Nullable Integer baseVersion, String requestedBy, List<String> authors,
      Instant requestedAt,
      @Nullable String decidedBy, @Nullable Instant decidedAt, @Nullable String reason, @Nullable Integer version) {
    static ApprovalView from(PolicyApproval a) {
      return new ApprovalView(a.id, a.policySet, a.kind.text(), a.status.text(), a.digest, a.rollbackOf, a.baseVersion,
          a.requestedBy, List.of(a.authors), a.requestedAt, a.decidedBy, a.decidedAt, a.reason, a.version);
    }
  }

  /**
   * A policy set and the version in force.
   *
   * @param policySet set
   * @param version latest version
   * @param digest its digest
   * @param publishedBy its publisher
   * @param publishedAt when
   * @param pendingApprovals publications waiting for a second admin
   * @param live whether this replica enforces this set
   */
  public record PolicySetView(String policySet, int version, String digest, String publishedBy, Instant publishedAt,
      long pendingApprovals, boolean live) {}

  /**
   * A successful validation.
   *
   * @param valid always true (an invalid document is a 400 problem)
   * @param policySet the set the document names
   * @param digest its digest
   * @param ruleCount rules
   * @param warnings lint warnings
   */
  public record ValidationView(boolean valid, String policySet, String digest, int ruleCount,
      List<FindingView> warnings) {}

  /**
   * What this replica enforces.
   *
   * @param policySet the configured live set
   * @param version the loaded version, or null when none is (every decision is then a deny)
   * @param digest its digest
   */
  public record LiveView(String policySet, @Nullable Integer version, @Nullable String digest) {}

  /**
   * An admin event.
   *
   * @param id position in the feed (keyset)
   * @param occurredAt when
   * @param actor SSO principal
   * @param action e.g. publish, approve, rollback
   * @param policySet set
   * @param version version, if one was created
   * @param digest digest of the document concerned
   * @param details action-specific facts
   */
  public record EventView(long id, Instant occurredAt, String actor, String action, @Nullable String policySet,
      @Nullable Integer version, @Nullable String digest, com.fasterxml.jackson.databind.JsonNode details) {
    static EventView from(PolicyAdminEvent e) {
      return new EventView(e.id, e.occurredAt, e.actor, e.action, e.policySet, e.version, e.digest, e.detailsTree());
    }
  }

  /**
   * One request to decide.
   *
   * @param requester who asks
   * @param target whom or what they want to reach (absent: nothing specific)
   * @param purpose the purpose
   * @param requestedTtlMs the TTL asked for, in ms
   * @param at when to decide as of (ISO 8601 with offset); absent: now
   */
  public record SimulationRequest(
      @NotNull @Valid RequesterInput requester,
      @Valid @Nullable TargetInput target,
      @NotBlank @Size(max = 128) String purpose,
      @Positive long requestedTtlMs,
      @Nullable OffsetDateTime at) {}

  /**
   * The requester of a simulated request.
   *
   * @param peerId PeerID
   * @param kind member or external
   * @param groups groups
   * @param reputation reputation (unknown: 0)
   */
  public record RequesterInput(
      @NotNull @Pattern(regexp = PEER_ID) String peerId,
      @NotNull @Pattern(regexp = "member|external") String kind,
      @Nullable @Size(max = 100) List<@Pattern(regexp = NAME) String> groups,
      @Min(-1000) @Max(1000) int reputation) {}

  /**
   * The target of a simulated request.
   *
   * @param member target member PeerID
   * @param groups the target's groups, or the team channel's group
   * @param service the service
   */
  public record TargetInput(
      @Nullable @Pattern(regexp = PEER_ID) String member,
      @Nullable @Size(max = 100) List<@Pattern(regexp = NAME) String> groups,
      @Nullable @Pattern(regexp = NAME) String service) {}

  /**
   * A decision with its explanation.
   *
   * @param effect allow or deny
   * @param reason allowed, denied_by_rule, no_matching_rule, evaluation_failed
   * @param grantedTtlMs granted TTL (0 for a deny)
   * @param requestedTtlMs what was asked for
   * @param matchedRules every matching rule, in document order
   * @param decidingRules the denies, or the allows whose cap set the TTL
   * @param rateLimits declared limits of the matching allows
   * @param explanation the decision in words
   * @param policySet set
   * @param version version (0 for a draft)
   * @param digest digest
   */
  public record SimulationView(String effect, String reason, long grantedTtlMs, long requestedTtlMs,
      List<String> matchedRules, List<String> decidingRules, List<RateLimitView> rateLimits, String explanation,
      @Nullable String policySet, @Nullable Integer version, @Nullable String digest) {
    static SimulationView from(PolicyDecision d) {
      PolicyDecision.PolicyRef p = d.policy();
      return new SimulationView(d.effect().text(), d.reason().name().toLowerCase(Locale.ROOT), d.grantedTtlMs(),
          d.requestedTtlMs(), d.matchedRuleIds(), d.decidingRuleIds(),
          d.rateLimits().stream().map(RateLimitView::from).toList(), d.explanation(),
          p == null ? null : p.policySet(), p == null ? null : p.version(), p == null ? null : p.digest());
    }
  }

  /**
   * A declared rate limit.
   *
   * @param requests how many
   * @param perMs per how many ms
   * @param key counted per requester or per requester and target
   */
  public record RateLimitView(int requests, long perMs, String key) {
    static RateLimitView from(Rule.RateLimit l) {
      return new RateLimitView(l.requests(), l.per().toMillis(), l.key());
    }
  }

  /**
   * A rollback request.
   *
   * @param toVersion the earlier version to publish again
   */
  public record RollbackRequest(@Positive int toVersion) {}

  /**
   * A rejection.
   *
   * @param reason why, for the requester and the audit log
   */
  public record RejectRequest(@NotBlank @Size(max = 1000) String reason) {}

  // --- Sets, validation, live ---------------------------------------------------------------------

  @GET
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Policy sets with their latest (in force) version")
  public List<PolicySetView> sets() {
    return PolicyVersion.latestOfEachSet().stream()
        .map(v -> new PolicySetView(v.policySet(), v.version(), v.digest, v.publishedBy, v.publishedAt,
            PolicyApproval.pendingFor(v.policySet()), v.policySet().equals(live.policySet())))
        .toList();
  }

  @GET
  @Path("/live")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "The policy version this replica enforces", description = "Null version: none loaded, every decision is a deny.")
  public LiveView live() {
    return live.current()
        .map(p -> new LiveView(live.policySet(), p.version(), p.digest()))
        .orElse(new LiveView(live.policySet(), null, null));
  }

  @POST
  @Path("/validate")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Check a policy document without saving it", description = "Schema, references, CEL and lints. 400 lists every error with line, column, JSON pointer and rule.")
  @RequestBody(content = @Content(mediaType = "application/yaml", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
  @APIResponse(responseCode = "200", description = "Valid; warnings listed")
  @APIResponse(responseCode = "400", description = "Invalid", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "413", description = "Larger than policy.limits.max-document-bytes", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ValidationView validate(byte[] document) {
    Compilation compilation = lifecycle.validate(document);
    if (!compilation.ok()) {
      if (document.length > lifecycleLimit()) {
        throw new PolicyTooLargeException(compilation.errors().getFirst().message());
      }
      throw new InvalidPolicyException(compilation.errors());
    }
    CompiledPolicy policy = compilation.orThrow();
    return new ValidationView(true, policy.document().policySet(), policy.digest(), policy.document().rules().size(),
        FindingView.all(compilation.warnings()));
  }

  // --- Drafts -------------------------------------------------------------------------------------

  @GET
  @Path("/drafts")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Every draft, most recently edited first (without documents)")
  public List<DraftView> drafts() {
    return PolicyDraft.newestFirst().stream().map(d -> DraftView.from(d, null, false)).toList();
  }

  @POST
  @Path("/drafts")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Create a draft from a YAML document", description = "The document must be valid; 400 lists every error.")
  @APIResponse(responseCode = "201", description = "Created; ETag is the revision", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DraftView.class)))
  @APIResponse(responseCode = "400", description = "Invalid document", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createDraft(byte[] document) {
    PolicyLifecycle.SavedDraft saved = lifecycle.createDraft(actor(), document);
    return Response.created(URI.create("/api/v1/policies/drafts/" + saved.draft().id))
        .tag(etag(saved.draft()))
        .entity(DraftView.from(saved.draft(), saved.warnings(), true))
        .build();
  }

  @GET
  @Path("/drafts/{id}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One draft, with its document; ETag is the revision")
  @APIResponse(responseCode = "200", description = "The draft", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DraftView.class)))
  public Response draft(@PathParam("id") UUID id) {
    PolicyDraft draft = lifecycle.draft(id);
    return Response.ok(DraftView.from(draft, null, true)).tag(etag(draft)).build();
  }

  @PUT
  @Path("/drafts/{id}")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Replace a draft's document",
      description = "If-Match is required: send the draft's ETag (its revision). 412 if the draft changed meanwhile;"
          + " 428 without If-Match.")
  @Parameter(name = "If-Match", in = ParameterIn.HEADER, required = true, description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "200", description = "Updated", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DraftView.class)))
  @APIResponse(responseCode = "412", description = "The draft changed meanwhile", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "428", description = "If-Match missing", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response updateDraft(@PathParam("id") UUID id, @HeaderParam("If-Match") @Nullable String ifMatch, byte[] document) {
    PolicyLifecycle.SavedDraft saved = lifecycle.updateDraft(actor(), id, requiredRevision(ifMatch, "updating"), document);
    return Response.ok(DraftView.from(saved.draft(), saved.warnings(), true)).tag(etag(saved.draft())).build();
  }

  @DELETE
  @Path("/drafts/{id}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Delete a draft",
      description = "If-Match is required: send the ETag of the draft you mean to delete; 412 if it changed"
          + " meanwhile, 428 without it.")
  @Parameter(name = "If-Match", in = ParameterIn.HEADER, required = true, description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(responseCode = "412", description = "The draft changed", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "428", description = "If-Match missing", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void deleteDraft(@PathParam("id") UUID id, @HeaderParam("If-Match") @Nullable String ifMatch) {
    lifecycle.deleteDraft(actor(), id, requiredRevision(ifMatch, "deleting"));
  }

  @POST
  @Path("/drafts/{id}/publish")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Publish a draft as the next version",
      description = "In four-eyes mode this creates an approval request (202) instead. The draft is consumed."
          + " If-Match is required: send the ETag of the draft you reviewed; 412 if it changed meanwhile, 428 without it.")
  @Parameter(name = "If-Match", in = ParameterIn.HEADER, required = true, description = "The draft's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "201", description = "Published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionView.class)))
  @APIResponse(responseCode = "202", description = "Awaiting a second admin's approval", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApprovalView.class)))
  @APIResponse(responseCode = "409", description = "Identical to the version in force", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "412", description = "The draft changed meanwhile", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "428", description = "If-Match missing", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response publish(@PathParam("id") UUID id, @HeaderParam("If-Match") @Nullable String ifMatch) {
    return publication(lifecycle.publishDraft(actor(), id, requiredRevision(ifMatch, "publishing")));
  }

  @POST
  @Path("/drafts/{id}/simulate")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Decide one request with a draft, with the explanation")
  public SimulationView simulateDraft(@PathParam("id") UUID id, @NotNull @Valid SimulationRequest request) {
    return SimulationView.from(lifecycle.simulateDraft(id, request(request)));
  }

  // --- GitOps -------------------------------------------------------------------------------------

  @POST
  @Path("/import")
  @Consumes({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Import a YAML document (GitOps)", description = "Saves it as a draft; with publish=true publishes it too (202 in four-eyes mode). Re-importing the version in force with publish=true changes nothing (200).")
  @APIResponse(responseCode = "200", description = "Identical to the version in force; nothing changed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionView.class)))
  @APIResponse(responseCode = "201", description = "Draft saved, or version published",
      content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {DraftView.class, VersionView.class})))
  @APIResponse(responseCode = "202", description = "Awaiting approval", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApprovalView.class)))
  public Response importDocument(@QueryParam("publish") @DefaultValue("false") boolean publish, byte[] document) {
    PolicyLifecycle.Imported imported = lifecycle.importDocument(actor(), document, publish);
    if (imported.unchanged() && imported.publication() != null && imported.publication().version() != null) {
      return Response.ok(VersionView.from(imported.publication().version(), false)).build();
    }
    if (imported.publication() != null) {
      return publication(imported.publication());
    }
    PolicyLifecycle.SavedDraft saved = imported.draft();
    if (saved == null) {
      throw new IllegalStateException("an import without publication saves a draft");
    }
    return Response.created(URI.create("/api/v1/policies/drafts/" + saved.draft().id))
        .tag(etag(saved.draft()))
        .entity(DraftView.from(saved.draft(), saved.warnings(), true))
        .build();
  }

  @GET
  @Path("/sets/{set}/export")
  @Produces("application/yaml")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "The version in force as YAML (GitOps)", description = "Headers: X-Policy-Version, X-Policy-Digest.")
  public Response exportLatest(@PathParam("set") String set) {
    PolicyVersion latest = PolicyVersion.latest(set)
        .orElseThrow(() -> new PolicyNotFoundException("there is no policy set " + set));
    return export(latest);
  }

  @GET
  @Path("/sets/{set}/versions/{version}/export")
  @Produces("application/yaml")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One version as YAML, exactly as published")
  public Response exportVersion(@PathParam("set") String set, @PathParam("version") int version) {
    return export(lifecycle.version(set, version));
  }

  // --- Versions -----------------------------------------------------------------------------------

  @GET
  @Path("/sets/{set}/versions")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Every version of a set, newest first (without documents)")
  public List<VersionView> versions(@PathParam("set") String set) {
    List<PolicyVersion> history = PolicyVersion.history(set);
    if (history.isEmpty()) {
      throw new PolicyNotFoundException("there is no policy set " + set);
    }
    return history.stream().map(v -> VersionView.from(v, false)).toList();
  }

  @GET
  @Path("/sets/{set}/versions/{version}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One version, with its document")
  public VersionView version(@PathParam("set") String set, @PathParam("version") int version) {
    return VersionView.from(lifecycle.version(set, version), true);
  }

  @POST
  @Path("/sets/{set}/versions/{version}/simulate")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Decide one request with any published version, with the explanation")
  public SimulationView simulate(
      @PathParam("set") String set, @PathParam("version") int version, @NotNull @Valid SimulationRequest request) {
    return SimulationView.from(lifecycle.simulate(set, version, request(request)));
  }

  @GET
  @Path("/sets/{set}/diff")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Rule-level diff between two versions", description = "Rules are matched by id; changed rules list each changed field.")
  public PolicyDiff diff(@PathParam("set") String set, @QueryParam("from") @NotNull @Positive Integer from,
      @QueryParam("to") @NotNull @Positive Integer to) {
    return lifecycle.diff(set, from, to);
  }

  @POST
  @Path("/sets/{set}/rollback")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Publish an earlier version again as the next version", description = "202 in four-eyes mode.")
  @APIResponse(responseCode = "201", description = "Rolled back", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionView.class)))
  @APIResponse(responseCode = "202", description = "Awaiting approval", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApprovalView.class)))
  @APIResponse(responseCode = "409", description = "That version's content is already in force", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response rollback(@PathParam("set") String set, @NotNull @Valid RollbackRequest request) {
    return publication(lifecycle.rollback(actor(), set, request.toVersion()));
  }

  // --- Approvals ----------------------------------------------------------------------------------

  @GET
  @Path("/approvals")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "Approval requests with a status (default pending), oldest first")
  public List<ApprovalView> approvals(@QueryParam("status") @DefaultValue("pending") @Pattern(regexp = "pending|approved|rejected") String status) {
    return PolicyApproval.withStatus(PolicyApproval.Status.valueOf(status.toUpperCase(Locale.ROOT))).stream()
        .map(ApprovalView::from).toList();
  }

  @GET
  @Path("/approvals/{id}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One approval request")
  public ApprovalView approval(@PathParam("id") UUID id) {
    return ApprovalView.from(lifecycle.approval(id));
  }

  @POST
  @Path("/approvals/{id}/approve")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Approve a pending publication (a different admin than the requester)")
  @APIResponse(responseCode = "201", description = "Published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionView.class)))
  @APIResponse(responseCode = "403", description = "The requester cannot approve their own publication", content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(responseCode = "409", description = "Already decided, or superseded by a newer version", content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response approve(@PathParam("id") UUID id) {
    PolicyVersion version = lifecycle.approve(actor(), id);
    return Response.created(versionUri(version)).entity(VersionView.from(version, false)).build();
  }

  @POST
  @Path("/approvals/{id}/reject")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Reject (or, as its requester, withdraw) a pending publication")
  public ApprovalView reject(@PathParam("id") UUID id, @NotNull @Valid RejectRequest request) {
    return ApprovalView.from(lifecycle.reject(actor(), id, request.reason()));
  }

  // --- Admin events -------------------------------------------------------------------------------

  @GET
  @Path("/events")
  @RolesAllowed({Roles.ADMIN, Roles.AUDITOR})
  @Operation(summary = "Admin events in order, after an id (keyset pagination)", description = "Pass the last id you saw as after; ids follow commit order.")
  public List<EventView> events(
      @QueryParam("after") @DefaultValue("0") @Min(0) long after,
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
      @QueryParam("policy_set") @Nullable @Pattern(regexp = NAME) String policySet) {
    List<PolicyAdminEvent> events =
        policySet == null ? PolicyAdminEvent.after(after, limit) : PolicyAdminEvent.after(policySet, after, limit);
    return events.stream().map(EventView::from).toList();
  }

  // --- Helpers ------------------------------------------------------------------------------------

  private String actor() {
    return identity.getPrincipal().getName();
  }

  private int lifecycleLimit() {
    return lifecycle.limits().maxBytes();
  }

  private PolicyRequest request(SimulationRequest r) {
    TargetInput t = r.target() == null ? new TargetInput(null, null, null) : r.target();
    long at = r.at() == null ? clock.millis() : r.at().toInstant().toEpochMilli();
    return new PolicyRequest(
        new PolicyRequest.Requester(r.requester().peerId(), RequesterKind.parse(r.requester().kind()),
            r.requester().groups() == null ? Set.of() : Set.copyOf(r.requester().groups()), r.requester().reputation()),
        new PolicyRequest.Target(t.member(), t.groups() == null ? Set.of() : Set.copyOf(t.groups()), t.service()),
        r.purpose(), r.requestedTtlMs(), at);
  }

  private static Response publication(PolicyLifecycle.Publication publication) {
    PolicyVersion version = publication.version();
    if (version != null) {
      return Response.created(versionUri(version)).entity(VersionView.from(version, false)).build();
    }
    PolicyApproval approval = publication.approval();
    if (approval == null) {
      throw new IllegalStateException("a publication has a version or an approval");
    }
    return Response.accepted(ApprovalView.from(approval))
        .location(URI.create("/api/v1/policies/approvals/" + approval.id))
        .build();
  }

  private static Response export(PolicyVersion version) {
    return Response.ok(version.source, "application/yaml")
        .header("X-Policy-Version", version.version())
        .header("X-Policy-Digest", version.digest)
        .header("Content-Disposition", "attachment; filename=\"" + version.policySet() + "-v" + version.version() + ".yaml\"")
        .build();
  }

  private static URI versionUri(PolicyVersion version) {
    return URI.create("/api/v1/policies/sets/" + version.policySet() + "/versions/" + version.version());
  }

  private static EntityTag etag(PolicyDraft draft) {
    return new EntityTag(Integer.toString(draft.revision));
  }

  /**
   * The revision a change is based on. Without it, the change would silently replace whatever another
   * admin saved meanwhile, so it is required; {@code *} is the explicit "whatever is there now".
   */
  private static @Nullable Integer requiredRevision(@Nullable String ifMatch, String doing) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw new DraftRevisionRequiredException(doing + " a draft requires If-Match with the draft's ETag (its revision,"
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
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    try {
      return Integer.parseInt(tag);
    } catch (NumberFormatException e) {
      throw new BadRequestException("If-Match must be a draft revision such as \"3\"");
    }
  }
}
