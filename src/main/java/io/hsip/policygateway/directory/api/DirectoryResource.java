package io.hsip.policygateway.directory.api;

import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.directory.DirectoryAdmin;
import io.hsip.policygateway.directory.DirectoryFormat;
import io.hsip.policygateway.directory.DirectoryImport;
import io.hsip.policygateway.directory.DirectoryProblems;
import io.hsip.policygateway.directory.DirectoryTransfer;
import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.GroupEntry;
import io.hsip.policygateway.directory.GroupPage;
import io.hsip.policygateway.directory.InvalidDirectoryEntryException;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.MemberEntry;
import io.hsip.policygateway.directory.MemberPage;
import io.hsip.policygateway.directory.Service;
import io.hsip.policygateway.directory.ServiceEntry;
import io.hsip.policygateway.directory.ServicePage;
import io.hsip.policygateway.identity.Roles;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
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
import java.util.List;
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
 * The member directory's admin API: members, organisation services and groups (list and search a
 * page at a time, read, create, update, delete), and bulk import and export as YAML or CSV. Writes
 * need the admin role and are audited with the token's subject as actor; reads any of the three
 * roles. Changes need {@code If-Match} with the entry's ETag (its revision).
 */
@Path("/api/v1/directory")
@Tag(name = "Directory", description = "Members, organisation services and groups")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

  private static final String BASE = "/api/v1/directory";
  private static final String YAML = "application/yaml";
  private static final String CSV = "text/csv";

  private final DirectoryAdmin admin;
  private final DirectoryTransfer transfer;
  private final SecurityIdentity identity;

  DirectoryResource(DirectoryAdmin admin, DirectoryTransfer transfer, SecurityIdentity identity) {
    this.admin = admin;
    this.transfer = transfer;
    this.identity = identity;
  }

  // --- Members -------------------------------------------------------------------------------

  @GET
  @Path("/members")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Members by display name, a page at a time",
      description =
          "Ordered by display name (case-insensitive), then PeerID. Keyset pagination: pass the"
              + " next_after of a page as after; next_after is null on the last page.")
  @APIResponse(
      responseCode = "200",
      description = "A page of members",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = MemberPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "limit out of range, or after not a cursor this API returned",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public MemberPage members(
      @Parameter(description = "part of a display name, or the start of a PeerID")
          @QueryParam("search")
          @Nullable String search,
      @Parameter(description = "only members of this group") @QueryParam("group")
          @Nullable String group,
      @Parameter(description = "the next_after of the previous page") @QueryParam("after")
          @Nullable String after,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return admin.members(search, group, after, limit);
  }

  @GET
  @Path("/members/{peer_id}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One member; ETag is its revision")
  @APIResponse(
      responseCode = "200",
      description = "The member",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = MemberEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such member",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response member(@PathParam("peer_id") String peerId) {
    MemberEntry member = admin.member(peerId);
    return Response.ok(member).tag(etag(member.revision())).build();
  }

  @POST
  @Path("/members")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Add a member; its groups must exist")
  @APIResponse(
      responseCode = "201",
      description = "Created; ETag is the revision",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = MemberEntry.class)))
  @APIResponse(
      responseCode = "409",
      description = "The PeerID or SSO subject is already in the directory",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields, or groups that do not exist",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createMember(@NotNull Member member) {
    Member created = admin.createMember(actor(), member);
    MemberEntry stored = admin.member(created.peerId());
    return created(BASE + "/members/" + stored.peerId(), stored, stored.revision());
  }

  @PUT
  @Path("/members/{peer_id}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Replace a member's display name, groups and SSO subject",
      description = "If-Match is required (the member's ETag); 412 if it changed meanwhile.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The member's ETag, e.g. \"3\"")
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = MemberEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such member",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "The SSO subject is bound to another entry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The member changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields, or groups that do not exist",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response updateMember(
      @PathParam("peer_id") String peerId,
      @HeaderParam("If-Match") @Nullable String ifMatch,
      @NotNull Member member) {
    samePath("peer_id", member.peerId(), peerId);
    MemberEntry updated =
        admin.updateMember(
            actor(),
            new Member(peerId, member.displayName(), member.groups(), member.ssoSubject()),
            requiredRevision(ifMatch, "updating a member"));
    return Response.ok(updated).tag(etag(updated.revision())).build();
  }

  @DELETE
  @Path("/members/{peer_id}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Remove a member", description = "If-Match is required (the member's ETag).")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The member's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "204", description = "Removed")
  @APIResponse(
      responseCode = "404",
      description = "No such member",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The member changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void deleteMember(
      @PathParam("peer_id") String peerId, @HeaderParam("If-Match") @Nullable String ifMatch) {
    admin.deleteMember(actor(), peerId, requiredRevision(ifMatch, "deleting a member"));
  }

  // --- Services ------------------------------------------------------------------------------

  @GET
  @Path("/services")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Organisation services by name, a page at a time",
      description = "Keyset pagination: pass the next_after of a page as after.")
  @APIResponse(
      responseCode = "200",
      description = "A page of services",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ServicePage.class)))
  @APIResponse(
      responseCode = "400",
      description = "limit out of range, or after not a cursor this API returned",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public ServicePage services(
      @Parameter(description = "part of a name, or a PeerID") @QueryParam("search")
          @Nullable String search,
      @Parameter(description = "the next_after of the previous page") @QueryParam("after")
          @Nullable String after,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return admin.services(search, after, limit);
  }

  @GET
  @Path("/services/{name}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One organisation service; ETag is its revision")
  @APIResponse(
      responseCode = "200",
      description = "The service",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ServiceEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such service",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response service(@PathParam("name") String name) {
    ServiceEntry service = admin.service(name);
    return Response.ok(service).tag(etag(service.revision())).build();
  }

  @POST
  @Path("/services")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Add an organisation service")
  @APIResponse(
      responseCode = "201",
      description = "Created; ETag is the revision",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ServiceEntry.class)))
  @APIResponse(
      responseCode = "409",
      description = "The name, PeerID or SSO subject is already in the directory",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createService(@NotNull Service service) {
    Service created = admin.createService(actor(), service);
    ServiceEntry stored = admin.service(created.name());
    return created(BASE + "/services/" + stored.name(), stored, stored.revision());
  }

  @PUT
  @Path("/services/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Replace a service's PeerID, key file and SSO subject",
      description = "If-Match is required (the service's ETag); 412 if it changed meanwhile.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The service's ETag, e.g. \"3\"")
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = ServiceEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such service",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "The PeerID or SSO subject belongs to another entry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The service changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response updateService(
      @PathParam("name") String name,
      @HeaderParam("If-Match") @Nullable String ifMatch,
      @NotNull Service service) {
    samePath("name", service.name(), name);
    ServiceEntry updated =
        admin.updateService(
            actor(),
            new Service(name, service.peerId(), service.keyFile(), service.ssoSubject()),
            requiredRevision(ifMatch, "updating a service"));
    return Response.ok(updated).tag(etag(updated.revision())).build();
  }

  @DELETE
  @Path("/services/{name}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Remove an organisation service",
      description = "If-Match is required (the service's ETag).")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The service's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "204", description = "Removed")
  @APIResponse(
      responseCode = "404",
      description = "No such service",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The service changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void deleteService(
      @PathParam("name") String name, @HeaderParam("If-Match") @Nullable String ifMatch) {
    admin.deleteService(actor(), name, requiredRevision(ifMatch, "deleting a service"));
  }

  // --- Groups --------------------------------------------------------------------------------

  @GET
  @Path("/groups")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "Groups by name with their member counts, a page at a time",
      description = "Keyset pagination: pass the next_after of a page as after.")
  @APIResponse(
      responseCode = "200",
      description = "A page of groups",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = GroupPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "limit out of range, or after not a cursor this API returned",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public GroupPage groups(
      @Parameter(description = "part of a name") @QueryParam("search") @Nullable String search,
      @Parameter(description = "the next_after of the previous page") @QueryParam("after")
          @Nullable String after,
      @Parameter(description = "page size, 1 to 1000") @QueryParam("limit") @DefaultValue("100")
          int limit) {
    return admin.groups(search, after, limit);
  }

  @GET
  @Path("/groups/{name}")
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(summary = "One group; ETag is its revision")
  @APIResponse(
      responseCode = "200",
      description = "The group",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = GroupEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such group",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response group(@PathParam("name") String name) {
    GroupEntry group = admin.group(name);
    return Response.ok(group).tag(etag(group.revision())).build();
  }

  @POST
  @Path("/groups")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Add a group")
  @APIResponse(
      responseCode = "201",
      description = "Created; ETag is the revision",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = GroupEntry.class)))
  @APIResponse(
      responseCode = "409",
      description = "The group exists",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response createGroup(@NotNull Group group) {
    Group created = admin.createGroup(actor(), group);
    GroupEntry stored = admin.group(created.name());
    return created(BASE + "/groups/" + stored.name(), stored, stored.revision());
  }

  @PUT
  @Path("/groups/{name}")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Replace a group's description",
      description = "If-Match is required (the group's ETag); 412 if it changed meanwhile.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The group's ETag, e.g. \"3\"")
  @APIResponse(
      responseCode = "200",
      description = "Updated",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = GroupEntry.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such group",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The group changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid fields",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response updateGroup(
      @PathParam("name") String name,
      @HeaderParam("If-Match") @Nullable String ifMatch,
      @NotNull Group group) {
    samePath("name", group.name(), name);
    GroupEntry updated =
        admin.updateGroup(
            actor(),
            new Group(name, group.description()),
            requiredRevision(ifMatch, "updating a group"));
    return Response.ok(updated).tag(etag(updated.revision())).build();
  }

  @DELETE
  @Path("/groups/{name}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Remove a group nobody is in",
      description = "If-Match is required (the group's ETag); 409 while members are in it.")
  @Parameter(
      name = "If-Match",
      in = ParameterIn.HEADER,
      required = true,
      description = "The group's ETag, e.g. \"3\"")
  @APIResponse(responseCode = "204", description = "Removed")
  @APIResponse(
      responseCode = "404",
      description = "No such group",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "Members are still in the group",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "412",
      description = "The group changed meanwhile",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "428",
      description = "If-Match missing",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public void deleteGroup(
      @PathParam("name") String name, @HeaderParam("If-Match") @Nullable String ifMatch) {
    admin.deleteGroup(actor(), name, requiredRevision(ifMatch, "deleting a group"));
  }

  // --- Import and export ---------------------------------------------------------------------

  @GET
  @Path("/export")
  @Produces({YAML, CSV})
  @RolesAllowed({Roles.ADMIN, Roles.VIEWER, Roles.AUDITOR})
  @Operation(
      summary = "The whole directory as YAML or CSV",
      description = "The document imports back unchanged (POST /import).")
  @APIResponse(
      responseCode = "200",
      description = "The directory",
      content = {
        @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))
      })
  public Response export(
      @Parameter(description = "yaml (default) or csv") @QueryParam("format") @DefaultValue("yaml")
          String format) {
    DirectoryFormat chosen = format(format);
    return Response.ok(transfer.export(chosen), chosen.mediaType())
        .header(
            "Content-Disposition", "attachment; filename=\"directory." + chosen.extension() + "\"")
        .build();
  }

  @POST
  @Path("/import")
  @Consumes({YAML, "application/x-yaml", "text/yaml", CSV})
  @RolesAllowed(Roles.ADMIN)
  @Operation(
      summary = "Create or update many entries from a YAML or CSV document, all or nothing",
      description =
          "Entries are matched by key (group and service name, member PeerID); entries the document"
              + " does not name stay. One bad entry refuses the whole document (422, every violation"
              + " with its line) and nothing changes.")
  @RequestBody(
      content = {
        @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
        @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))
      })
  @APIResponse(
      responseCode = "200",
      description = "Imported",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = DirectoryImport.class)))
  @APIResponse(
      responseCode = "413",
      description = "Over directory.import.max-bytes or max-entries",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "422",
      description = "Invalid entries (with their lines); nothing was changed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "503",
      description =
          "The audit log could not record the change, or the database is unreachable, or other"
              + " changes kept the directory busy: nothing was changed; retry",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public DirectoryImport importDocument(
      @HeaderParam("Content-Type") @Nullable String contentType, byte[] document) {
    DirectoryFormat format =
        contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(CSV)
            ? DirectoryFormat.CSV
            : DirectoryFormat.YAML;
    return transfer.importDocument(actor(), format, document);
  }

  // --- HTTP translation ----------------------------------------------------------------------

  /** The caller's token subject: the actor of every change. */
  private String actor() {
    if (!(identity.getPrincipal() instanceof JsonWebToken token)
        || token.getSubject() == null
        || token.getSubject().isBlank()) {
      throw new ForbiddenException("directory changes need a bearer token with a subject (sub)");
    }
    return token.getSubject();
  }

  private static DirectoryFormat format(String format) {
    return switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "yaml" -> DirectoryFormat.YAML;
      case "csv" -> DirectoryFormat.CSV;
      default -> throw DirectoryProblems.INVALID_QUERY.exception("`format` must be yaml or csv");
    };
  }

  private static void samePath(String field, @Nullable String inBody, String inPath) {
    if (inBody != null && !inBody.isEmpty() && !inBody.equals(inPath)) {
      throw new InvalidDirectoryEntryException(
          List.of(
              new Problem.Violation(
                  field,
                  "must match the path (" + inPath + ") or be left out; keys do not change")));
    }
  }

  private static Response created(String location, Object entity, int revision) {
    return Response.created(URI.create(location)).tag(etag(revision)).entity(entity).build();
  }

  private static EntityTag etag(int revision) {
    return new EntityTag(Integer.toString(revision));
  }

  /**
   * The revision a change is based on; required so that a change made meanwhile is never silently
   * overwritten. {@code *} is the explicit "whatever is there now".
   */
  private static @Nullable Integer requiredRevision(@Nullable String ifMatch, String doing) {
    if (ifMatch == null || ifMatch.isBlank()) {
      throw DirectoryProblems.IF_MATCH_REQUIRED.exception(
          doing
              + " requires If-Match with the entry's ETag (its revision, e.g. \"3\"); GET the"
              + " entry to learn it");
    }
    String tag = ifMatch.strip();
    if (tag.equals("*")) {
      return null;
    }
    if (tag.startsWith("W/")) {
      throw DirectoryProblems.STALE.exception(
          "If-Match compares strongly, so a weak ETag (W/\"...\") never matches; send the ETag as"
              + " it is, e.g. \"1\"");
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    if (!tag.matches("[0-9]{1,9}")) {
      throw new BadRequestException("If-Match must be an entry's revision such as \"3\"");
    }
    return Integer.parseInt(tag);
  }
}
