package io.hsip.policygateway.directory;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.directory.internal.DirectoryDocuments;
import io.hsip.policygateway.directory.internal.DirectoryDocuments.Contents;
import io.hsip.policygateway.directory.internal.DirectoryDocuments.Placed;
import io.hsip.policygateway.directory.internal.DirectoryStore;
import io.hsip.policygateway.hsip.Sha256;
import io.hsip.policygateway.telemetry.DirectorySpans;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Bulk import and export of the directory as YAML or CSV.
 *
 * <p>An import is all or nothing: every entry is checked first (fields, duplicates in the document,
 * groups that exist neither in the directory nor in the document, PeerIDs and SSO subjects taken by
 * entries the document does not name), and one bad entry refuses the whole document with every
 * violation and its line, changing nothing. A good document is applied in one transaction with one
 * audit entry (counts and the document's SHA-256): entries are created or updated by key (group and
 * service name, member PeerID); entries it does not name stay. An export imports back unchanged.
 */
@ApplicationScoped
public class DirectoryTransfer {

  private final DirectoryAdmin admin;
  private final AgroalDataSource dataSource;
  private final DirectoryConfig config;

  DirectoryTransfer(DirectoryAdmin admin, AgroalDataSource dataSource, DirectoryConfig config) {
    this.admin = admin;
    this.dataSource = dataSource;
    this.config = config;
  }

  /** The whole directory as a document, read in one consistent snapshot. */
  @WithSpan(DirectorySpans.EXPORT)
  public String export(DirectoryFormat format) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        List<Group> groups = DirectoryStore.allGroups(c).stream().map(GroupEntry::group).toList();
        List<Member> members =
            DirectoryStore.allMembers(c).stream().map(MemberEntry::member).toList();
        List<Service> services =
            DirectoryStore.allServices(c).stream().map(ServiceEntry::service).toList();
        return switch (format) {
          case YAML -> DirectoryDocuments.writeYaml(groups, members, services);
          case CSV -> DirectoryDocuments.writeCsv(groups, members, services);
        };
      } finally {
        c.rollback();
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw DirectoryProblems.UNAVAILABLE.exception(
          "the directory database could not be reached", e);
    }
  }

  /**
   * Imports a document: all of it, or (422, with every violation and its line) none of it.
   *
   * @throws InvalidDirectoryEntryException if any entry is invalid; nothing was changed
   */
  @WithSpan(DirectorySpans.IMPORT)
  public DirectoryImport importDocument(String actor, DirectoryFormat format, byte[] document) {
    if (document.length > config.importLimits().maxBytes()) {
      throw DirectoryProblems.TOO_LARGE.exception(
          "the document has "
              + document.length
              + " bytes; directory.import.max-bytes is "
              + config.importLimits().maxBytes());
    }
    String text = utf8(document);
    int maxEntries = config.importLimits().maxEntries();
    Contents contents =
        switch (format) {
          case YAML -> DirectoryDocuments.readYaml(text, maxEntries);
          case CSV -> DirectoryDocuments.readCsv(text, maxEntries);
        };
    if (contents.size() > maxEntries) {
      throw DirectoryProblems.TOO_LARGE.exception(
          "the document has " + contents.size() + " entries; at most " + maxEntries);
    }
    List<Problem.Violation> violations = new ArrayList<>(contents.violations());
    checkEntries(contents, violations);
    DirectoryRules.refuseIfAny(violations);
    String digest = Sha256.hex(document);
    return admin.change(
        (c, now) -> {
          Applied applied = apply(c, contents, actor, now);
          return new DirectoryAdmin.Done<>(
              new DirectoryImport(applied.created, applied.updated, applied.unchanged),
              AuditEntry.adminChange(actor, "directory.import")
                  .outcome("ok")
                  .detail("format", format.extension())
                  .detail("document_sha256", digest)
                  .detail("groups", Integer.toString(contents.groups().size()))
                  .detail("members", Integer.toString(contents.members().size()))
                  .detail("services", Integer.toString(contents.services().size()))
                  .detail("created", Integer.toString(applied.created))
                  .detail("updated", Integer.toString(applied.updated))
                  .detail("unchanged", Integer.toString(applied.unchanged))
                  .build());
        });
  }

  private static String utf8(byte[] document) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(document))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidDirectoryEntryException(
          List.of(new Problem.Violation("/", "the document must be UTF-8 text")));
    }
  }

  // --- Checks that need no database ----------------------------------------------------------

  private static void checkEntries(Contents contents, List<Problem.Violation> out) {
    Map<String, Integer> groupLines = new HashMap<>();
    Map<String, Integer> peerLines = new HashMap<>();
    Map<String, Integer> subjectLines = new HashMap<>();
    Map<String, Integer> serviceLines = new HashMap<>();
    for (Placed<Group> g : contents.groups()) {
      DirectoryRules.Place place = place(g);
      DirectoryRules.group(g.entry(), place, out);
      once(groupLines, g.entry().name(), place, "name", "group", out);
    }
    for (Placed<Member> m : contents.members()) {
      DirectoryRules.Place place = place(m);
      DirectoryRules.member(m.entry(), place, out);
      once(peerLines, m.entry().peerId(), place, "peer_id", "PeerID", out);
      if (m.entry().ssoSubject() != null) {
        once(subjectLines, m.entry().ssoSubject(), place, "sso_subject", "SSO subject", out);
      }
    }
    for (Placed<Service> s : contents.services()) {
      DirectoryRules.Place place = place(s);
      DirectoryRules.service(s.entry(), place, out);
      once(serviceLines, s.entry().name(), place, "name", "service", out);
      once(peerLines, s.entry().peerId(), place, "peer_id", "PeerID", out);
      if (s.entry().ssoSubject() != null) {
        once(subjectLines, s.entry().ssoSubject(), place, "sso_subject", "SSO subject", out);
      }
    }
  }

  private static void once(
      Map<String, Integer> seen,
      String key,
      DirectoryRules.Place place,
      String field,
      String what,
      List<Problem.Violation> out) {
    Integer first = seen.putIfAbsent(key, Objects.requireNonNullElse(place.line(), 0));
    if (first != null) {
      out.add(
          DirectoryRules.violation(
              place, field, "the same " + what + " as the entry at line " + first));
    }
  }

  private static DirectoryRules.Place place(Placed<?> p) {
    return new DirectoryRules.Place(p.field(), p.line());
  }

  // --- Applying ------------------------------------------------------------------------------

  private static final class Applied {
    int created;
    int updated;
    int unchanged;
  }

  private Applied apply(Connection c, Contents contents, String actor, Instant now)
      throws SQLException {
    Map<String, GroupEntry> groups = byKey(DirectoryStore.allGroups(c), GroupEntry::name);
    Map<String, MemberEntry> members = byKey(DirectoryStore.allMembers(c), MemberEntry::peerId);
    Map<String, ServiceEntry> services = byKey(DirectoryStore.allServices(c), ServiceEntry::name);
    checkAgainstStored(contents, groups, members, services, subjects(c));

    Applied applied = new Applied();
    for (Placed<Group> placed : contents.groups()) {
      Group g = placed.entry();
      GroupEntry stored = groups.get(g.name());
      if (stored == null) {
        DirectoryStore.insertGroup(c, g, actor, now);
        applied.created++;
      } else if (stored.group().equals(g)) {
        applied.unchanged++;
      } else {
        DirectoryStore.updateGroup(c, g, stored.revision() + 1, actor, now);
        applied.updated++;
      }
    }
    // Subjects may move between entries of the document: free those that change first, so that no
    // write trips over a subject another entry is about to give up.
    List<String> moving = new ArrayList<>();
    for (Placed<Member> placed : contents.members()) {
      MemberEntry stored = members.get(placed.entry().peerId());
      if (stored != null && !Objects.equals(stored.ssoSubject(), placed.entry().ssoSubject())) {
        moving.add(stored.peerId());
      }
    }
    for (Placed<Service> placed : contents.services()) {
      ServiceEntry stored = services.get(placed.entry().name());
      if (stored != null
          && (!stored.peerId().equals(placed.entry().peerId())
              || !Objects.equals(stored.ssoSubject(), placed.entry().ssoSubject()))) {
        moving.add(stored.peerId());
      }
    }
    releaseSubjects(c, moving);
    for (Placed<Member> placed : contents.members()) {
      Member m = placed.entry();
      MemberEntry stored = members.get(m.peerId());
      if (stored == null) {
        DirectoryStore.insertMember(c, m, actor, now);
        applied.created++;
      } else if (stored.member().equals(m)) {
        applied.unchanged++;
      } else {
        DirectoryStore.updateMember(c, m, stored.revision() + 1, actor, now);
        applied.updated++;
      }
    }
    for (Placed<Service> placed : contents.services()) {
      Service s = placed.entry();
      ServiceEntry stored = services.get(s.name());
      if (stored == null) {
        DirectoryStore.insertService(c, s, 1, actor, now);
        applied.created++;
      } else if (stored.service().equals(s)) {
        applied.unchanged++;
      } else if (!stored.peerId().equals(s.peerId())) {
        DirectoryStore.deletePeer(c, stored.peerId());
        DirectoryStore.insertService(c, s, stored.revision() + 1, actor, now);
        applied.updated++;
      } else {
        DirectoryStore.updateService(c, s, stored.revision() + 1, actor, now);
        applied.updated++;
      }
    }
    return applied;
  }

  /**
   * Refuses the document, with lines, where it contradicts entries it does not change: a group that
   * exists nowhere, a PeerID that is another kind of entry or another service, an SSO subject bound
   * to an entry the document does not name.
   */
  private static void checkAgainstStored(
      Contents contents,
      Map<String, GroupEntry> groups,
      Map<String, MemberEntry> members,
      Map<String, ServiceEntry> services,
      Map<String, String> subjects) {
    List<Problem.Violation> out = new ArrayList<>();
    Set<String> known = new HashSet<>(groups.keySet());
    contents.groups().forEach(g -> known.add(g.entry().name()));
    Map<String, String> servicePeers = new HashMap<>();
    services.values().forEach(s -> servicePeers.put(s.peerId(), s.name()));
    Set<String> named = new HashSet<>();
    contents.members().forEach(m -> named.add(m.entry().peerId()));
    contents.services().forEach(s -> named.add(s.entry().peerId()));
    services.values().stream()
        .filter(s -> contents.services().stream().anyMatch(p -> p.entry().name().equals(s.name())))
        .forEach(s -> named.add(s.peerId()));

    for (Placed<Member> placed : contents.members()) {
      Member m = placed.entry();
      DirectoryRules.Place place = place(placed);
      List<String> missing = m.groups().stream().filter(g -> !known.contains(g)).sorted().toList();
      if (!missing.isEmpty()) {
        out.add(
            DirectoryRules.violation(
                place,
                "groups",
                "names group(s) that exist neither in the directory nor in the document: "
                    + String.join(", ", missing)));
      }
      if (servicePeers.containsKey(m.peerId())) {
        out.add(
            DirectoryRules.violation(
                place,
                "peer_id",
                "is already the PeerID of service " + servicePeers.get(m.peerId())));
      }
      subjectTaken(m.ssoSubject(), subjects, named, place, out);
    }
    for (Placed<Service> placed : contents.services()) {
      Service s = placed.entry();
      DirectoryRules.Place place = place(placed);
      if (members.containsKey(s.peerId())) {
        out.add(DirectoryRules.violation(place, "peer_id", "is already the PeerID of a member"));
      }
      String other = servicePeers.get(s.peerId());
      if (other != null && !other.equals(s.name())) {
        out.add(
            DirectoryRules.violation(
                place, "peer_id", "is already the PeerID of service " + other));
      }
      subjectTaken(s.ssoSubject(), subjects, named, place, out);
    }
    DirectoryRules.refuseIfAny(out);
  }

  private static void subjectTaken(
      @Nullable String subject,
      Map<String, String> subjects,
      Set<String> named,
      DirectoryRules.Place place,
      List<Problem.Violation> out) {
    if (subject == null) {
      return;
    }
    String owner = subjects.get(subject);
    if (owner != null && !named.contains(owner)) {
      out.add(
          DirectoryRules.violation(
              place,
              "sso_subject",
              "is already bound to " + owner + ", which the document does not name"));
    }
  }

  private static Map<String, String> subjects(Connection c) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT sso_subject, peer_id FROM directory_peer WHERE sso_subject IS NOT NULL");
        ResultSet row = s.executeQuery()) {
      while (row.next()) {
        out.put(row.getString(1), row.getString(2));
      }
    }
    return out;
  }

  private static void releaseSubjects(Connection c, List<String> peers) throws SQLException {
    if (peers.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE directory_peer SET sso_subject = NULL"
                + " WHERE sso_subject IS NOT NULL AND peer_id = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", peers.toArray()));
      s.executeUpdate();
    }
  }

  private static <T> Map<String, T> byKey(List<T> entries, Function<T, String> key) {
    Map<String, T> out = new HashMap<>();
    entries.forEach(e -> out.put(key.apply(e), e));
    return out;
  }
}
