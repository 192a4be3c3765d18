package io.hsip.policygateway.audit.api;

import io.hsip.policygateway.audit.AuditExports;
import io.hsip.policygateway.audit.AuditProblems;
import io.hsip.policygateway.audit.AuditReader;
import io.hsip.policygateway.audit.AuditViews.CheckpointPage;
import io.hsip.policygateway.audit.AuditViews.CheckpointView;
import io.hsip.policygateway.audit.AuditViews.ConsistencyView;
import io.hsip.policygateway.audit.AuditViews.EntryPage;
import io.hsip.policygateway.audit.AuditViews.EntryProofView;
import io.hsip.policygateway.audit.AuditViews.PublicKeyView;
import io.hsip.policygateway.audit.EntryQuery;
import io.hsip.policygateway.audit.SubjectErasure;
import io.hsip.policygateway.hsip.keys.PeerId;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;

/**
 * The auditor's view of the audit log. Auditors and admins may read; only admins may erase a
 * subject.
 */
@Path("/api/v1/audit")
@Tag(name = "Audit", description = "Search, prove, export and verify the tamper-evident audit log")
@RolesAllowed({Roles.AUDITOR, Roles.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  private final AuditReader reader;
  private final AuditExports exports;
  private final SubjectErasure erasure;
  private final SecurityIdentity caller;

  AuditResource(
      AuditReader reader, AuditExports exports, SubjectErasure erasure, SecurityIdentity caller) {
    this.reader = reader;
    this.exports = exports;
    this.erasure = erasure;
    this.caller = caller;
  }

  @GET
  @Path("/entries")
  @RunOnVirtualThread
  @Operation(
      summary = "Search entries by descending sequence number",
      description =
          "Filters combine with AND. Keyset pagination: pass next_before of a page as before."
              + " Descending seq is each replica's reverse append order, not a time order across"
              + " replicas (replicas draw sequence numbers in blocks); every entry carries its"
              + " time.")
  public EntryPage search(
      @Parameter(description = "recorded at or after (RFC 3339)") @QueryParam("from")
          @Nullable String from,
      @Parameter(description = "recorded before (RFC 3339)") @QueryParam("to") @Nullable String to,
      @Parameter(description = "decision, admin-change, consent-revocation or key-event")
          @QueryParam("kind")
          @Nullable String kind,
      @Parameter(description = "subject PeerID (matched through its pseudonym)") @QueryParam("peer")
          @Nullable String peer,
      @Parameter(description = "outcome, e.g. allow or deny") @QueryParam("effect")
          @Nullable String effect,
      @Parameter(description = "a decision's reason code, e.g. replayed or policy_deny")
          @QueryParam("reason")
          @Nullable String reason,
      @Parameter(description = "policy version digest") @QueryParam("policy_version")
          @Nullable String policyVersion,
      @Parameter(description = "who acted") @QueryParam("actor") @Nullable String actor,
      @Parameter(description = "only entries with a smaller seq") @QueryParam("before")
          @Nullable Long before,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return reader.search(
        new EntryQuery(
            time("from", from),
            time("to", to),
            EntryQuery.kind(kind),
            peer,
            effect,
            reason,
            policyVersion,
            actor,
            before,
            limit));
  }

  @GET
  @Path("/entries/{seq}")
  @RunOnVirtualThread
  @Operation(
      summary = "One entry with its inclusion proof",
      description = "Proved against the checkpoint of tree_size, or the latest checkpoint.")
  @APIResponse(
      responseCode = "200",
      description = "The entry and its proof",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = EntryProofView.class)))
  @APIResponse(responseCode = "409", description = "the entry is not yet in that checkpoint")
  public EntryProofView entry(
      @PathParam("seq") long seq, @QueryParam("tree_size") @Nullable Long treeSize) {
    return reader.entryWithProof(seq, treeSize);
  }

  @GET
  @Path("/checkpoints/latest")
  @RunOnVirtualThread
  @Operation(summary = "The latest signed checkpoint")
  public CheckpointView latestCheckpoint() {
    return reader
        .findLatestCheckpoint()
        .orElseThrow(() -> AuditProblems.NOT_FOUND.exception("No checkpoint has been signed yet."));
  }

  @GET
  @Path("/checkpoints/{treeSize}")
  @RunOnVirtualThread
  @Operation(summary = "The checkpoint of one tree size")
  public CheckpointView checkpoint(@PathParam("treeSize") long treeSize) {
    return reader
        .findCheckpointBySize(treeSize)
        .orElseThrow(
            () ->
                AuditProblems.NOT_FOUND.exception(
                    "There is no checkpoint of tree size " + treeSize + "."));
  }

  @GET
  @Path("/checkpoints")
  @RunOnVirtualThread
  @Operation(summary = "Historical checkpoints, newest first (keyset pagination on tree size)")
  public CheckpointPage checkpoints(
      @QueryParam("before") @Nullable Long before,
      @QueryParam("limit") @DefaultValue("100") int limit) {
    return reader.checkpoints(before, limit);
  }

  @GET
  @Path("/consistency")
  @RunOnVirtualThread
  @Operation(summary = "RFC 9162 consistency proof between two signed checkpoints")
  public ConsistencyView consistency(
      @QueryParam("first") long first, @QueryParam("second") long second) {
    return reader.consistency(first, second);
  }

  @GET
  @Path("/public-key")
  @RunOnVirtualThread
  @Operation(summary = "The key that signs checkpoints and export manifests")
  public PublicKeyView publicKey() {
    return reader.publicKey();
  }

  @GET
  @Path("/export")
  @Produces("application/zip")
  @RunOnVirtualThread
  @Operation(
      summary = "Export bundle of a range of the signed tree (or of a time window)",
      description =
          "Entries, checkpoints, proofs, public key and a signed manifest; verify with `hsip audit"
              + " verify`. The range is [from_size, to_size): each the tree size of a signed"
              + " checkpoint (from_size may be 0; defaults 0 and the latest checkpoint). A time"
              + " window (from, to) instead is resolved to the checkpoints that cover it: the last"
              + " signed at or before `from`, the first signed at or after `to`. The range"
              + " exported is in the headers Hsip-Export-From-Size, Hsip-Export-To-Size and"
              + " Hsip-Export-Tree-Size, and in the bundle. The bundle is read into a spool file"
              + " first and then streamed; too many exports at once are refused with 503 and"
              + " Retry-After.")
  @APIResponse(
      responseCode = "200",
      description = "The bundle",
      content = @Content(mediaType = "application/zip"))
  @APIResponse(
      responseCode = "400",
      description =
          "a bound that is not the tree size of a signed checkpoint, or a malformed window")
  @APIResponse(responseCode = "422", description = "the export is too large for one response")
  @APIResponse(responseCode = "503", description = "too many exports in progress (Retry-After)")
  public Response export(
      @Parameter(description = "start of the range: a signed checkpoint's tree size, or 0")
          @QueryParam("from_size")
          @Nullable Long fromSize,
      @Parameter(
              description = "end of the range: a signed checkpoint's tree size (default: latest)")
          @QueryParam("to_size")
          @Nullable Long toSize,
      @Parameter(description = "start of a time window (RFC 3339), instead of sizes")
          @QueryParam("from")
          @Nullable String from,
      @Parameter(description = "end of a time window (RFC 3339), instead of sizes")
          @QueryParam("to")
          @Nullable String to,
      @QueryParam("previous_tree_size") @Nullable Long previous) {
    String actor = caller.getPrincipal().getName();
    AuditExports.Request request;
    if (from != null || to != null) {
      if (fromSize != null || toSize != null) {
        throw AuditProblems.INVALID_QUERY.exception(
            "Give either a window (`from`, `to`) or tree sizes (`from_size`, `to_size`), not both.");
      }
      request =
          AuditExports.Request.window(required("from", from), required("to", to), previous, actor);
    } else {
      request = AuditExports.Request.sizes(fromSize, toSize, previous, actor);
    }
    AuditExports.Spooled bundle = exports.bundle(request);
    AuditExports.Summary summary = java.util.Objects.requireNonNull(bundle.summary());
    StreamingOutput body = bundle::writeTo;
    return Response.ok(body, "application/zip")
        .header(
            "Content-Disposition",
            "attachment; filename=\"audit-"
                + summary.firstLeaf()
                + "-"
                + summary.endLeaf()
                + ".zip\"")
        .header("Hsip-Export-From-Size", summary.firstLeaf())
        .header("Hsip-Export-To-Size", summary.endLeaf())
        .header("Hsip-Export-Tree-Size", summary.treeSize())
        .header("Hsip-Export-Complete", summary.complete())
        .build();
  }

  @GET
  @Path("/export.csv")
  @Produces("text/csv")
  @RunOnVirtualThread
  @Operation(
      summary = "Spreadsheet view of a time window (not verifiable; use the bundle for proof)")
  @APIResponse(
      responseCode = "200",
      description = "The CSV",
      content = @Content(mediaType = "text/csv"))
  @APIResponse(responseCode = "422", description = "the export is too large for one response")
  @APIResponse(responseCode = "503", description = "too many exports in progress (Retry-After)")
  public Response csv(
      @QueryParam("from") @Nullable String from, @QueryParam("to") @Nullable String to) {
    Instant start = required("from", from);
    Instant end = required("to", to);
    StreamingOutput body = exports.csv(start, end)::writeTo;
    return Response.ok(body, "text/csv; charset=utf-8")
        .header(
            "Content-Disposition",
            "attachment; filename=\"audit-"
                + start.toEpochMilli()
                + "-"
                + end.toEpochMilli()
                + ".csv\"")
        .build();
  }

  @DELETE
  @Path("/subjects/{peerId}")
  @RolesAllowed(Roles.ADMIN)
  @RunOnVirtualThread
  @Operation(
      summary = "Erase a subject: destroy its pseudonymisation key",
      description =
          "Its entries stay and verify, but can no longer be linked to the PeerID, not even by"
              + " whoever holds the key-encryption key. Audited: the entry names the pseudonym that"
              + " became unlinkable (`details.ended_pseudonym`), never the PeerID.")
  @APIResponse(responseCode = "204", description = "the key was destroyed")
  @APIResponse(responseCode = "404", description = "the subject has no key")
  @APIResponse(
      responseCode = "503",
      description =
          "the subject keys cannot be used (no key-encryption key, or the wrong one): nothing was"
              + " erased")
  public Response eraseSubject(@PathParam("peerId") String peerId) {
    if (!PeerId.isWellFormed(peerId)) {
      throw AuditProblems.INVALID_QUERY.exception(
          "The path must end with a PeerID (26 characters of base32).");
    }
    if (!erasure.erase(peerId, caller.getPrincipal().getName())) {
      throw AuditProblems.NOT_FOUND.exception("The subject has no pseudonymisation key.");
    }
    return Response.noContent().build();
  }

  /** A required window bound of an export, in whole milliseconds. */
  private static Instant required(String name, @Nullable String value) {
    Instant time = time(name, value);
    if (time == null) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`" + name + "` is required (RFC 3339, e.g. 2026-01-31T00:00:00Z).");
    }
    if (time.getNano() % 1_000_000 != 0) {
      // Entries, manifests and verifiers work in milliseconds; a finer bound would not be the
      // window they check.
      throw AuditProblems.INVALID_QUERY.exception(
          "`" + name + "` must not be more precise than milliseconds.");
    }
    return time;
  }

  private static @Nullable Instant time(String name, @Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw AuditProblems.INVALID_QUERY.exception(
          "`" + name + "` must be an RFC 3339 time such as 2026-01-31T00:00:00Z.");
    }
  }
}
