package io.hsip.policygateway.directory;

import io.agroal.api.AgroalDataSource;
import io.hsip.policygateway.audit.AuditAppendException;
import io.hsip.policygateway.audit.AuditEntry;
import io.hsip.policygateway.audit.AuditLog;
import io.hsip.policygateway.base.error.Problem;
import io.hsip.policygateway.base.error.ProblemException;
import io.hsip.policygateway.directory.internal.DirectoryStore;
import io.hsip.policygateway.telemetry.DirectorySpans;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The write API of the member directory, and the reads the admin API needs.
 *
 * <p>Every change runs in one database transaction under the directory write lock (one writer at a
 * time across replicas) and is recorded as an {@code admin-change} audit entry with its actor
 * before that transaction commits: the entry is made durable first, and if the audit log refuses it
 * the change is rolled back, so no change exists without its entry. Should the commit itself then
 * fail, a {@code audit.void} entry says the change did not happen. After the commit this replica's
 * {@link MemberDirectory} is reloaded at once; the others follow by NOTIFY.
 */
@ApplicationScoped
public class DirectoryAdmin {

  /** Largest page. */
  public static final int MAX_PAGE = 1000;

  private static final int MAX_DETAIL = AuditEntry.MAX_FIELD_LENGTH;

  /** Longest wait for this replica's previous directory change to finish. */
  private static final Duration WRITER_WAIT = Duration.ofSeconds(30);

  private final Semaphore writers = new Semaphore(1, true);

  private final AgroalDataSource dataSource;
  private final AuditLog auditLog;
  private final MemberDirectory directory;
  private final Clock clock;

  DirectoryAdmin(
      AgroalDataSource dataSource, AuditLog auditLog, MemberDirectory directory, Clock clock) {
    this.dataSource = dataSource;
    this.auditLog = auditLog;
    this.directory = directory;
    this.clock = clock;
  }

  // --- Members -------------------------------------------------------------------------------

  /** Adds a member; its groups must exist. */
  @WithSpan(DirectorySpans.CHANGE)
  public Member createMember(String actor, Member m) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.member(m, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          requireGroups(c, m.groups(), DirectoryRules.Place.REQUEST);
          requirePeerFree(c, m.peerId());
          requireSubjectFree(c, m.ssoSubject(), m.peerId());
          DirectoryStore.insertMember(c, m, actor, now);
          return new Done<>(m, memberAudit(actor, "directory.member.create", m, 1));
        });
  }

  /**
   * Replaces a member's display name, groups and SSO subject.
   *
   * @param expectedRevision the revision the change is based on, or null for whatever is stored
   */
  @WithSpan(DirectorySpans.CHANGE)
  public MemberEntry updateMember(String actor, Member m, @Nullable Integer expectedRevision) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.member(m, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          MemberEntry stored = found(DirectoryStore.member(c, m.peerId()), "member", m.peerId());
          requireRevision(stored.revision(), expectedRevision, "member", m.peerId());
          requireGroups(c, m.groups(), DirectoryRules.Place.REQUEST);
          requireSubjectFree(c, m.ssoSubject(), m.peerId());
          int revision = stored.revision() + 1;
          DirectoryStore.updateMember(c, m, revision, actor, now);
          return new Done<>(
              new MemberEntry(
                  m.peerId(), m.displayName(), m.groups(), m.ssoSubject(), revision, actor, now),
              memberAudit(actor, "directory.member.update", m, revision));
        });
  }

  /** Removes a member. */
  @WithSpan(DirectorySpans.CHANGE)
  public void deleteMember(String actor, String peerId, @Nullable Integer expectedRevision) {
    change(
        (c, now) -> {
          MemberEntry stored = found(DirectoryStore.member(c, peerId), "member", peerId);
          requireRevision(stored.revision(), expectedRevision, "member", peerId);
          DirectoryStore.deletePeer(c, peerId);
          return new Done<>(
              stored,
              AuditEntry.adminChange(actor, "directory.member.delete")
                  .subject(peerId)
                  .outcome("ok")
                  .detail("revision", Integer.toString(stored.revision()))
                  .build());
        });
  }

  /** The member with this PeerID. */
  public MemberEntry member(String peerId) {
    return read(c -> found(DirectoryStore.member(c, peerId), "member", peerId));
  }

  /**
   * Members by display name (case-insensitive), then PeerID, a page at a time.
   *
   * @param search only members whose display name contains it or whose PeerID starts with it
   * @param group only members of this group
   * @param after the {@code next_after} of the previous page
   */
  public MemberPage members(
      @Nullable String search, @Nullable String group, @Nullable String after, int limit) {
    requireLimit(limit);
    List<String> cursor = Cursor.decode(after, 2);
    List<MemberEntry> page =
        read(
            c ->
                DirectoryStore.members(
                    c,
                    blankToNull(search),
                    blankToNull(group),
                    cursor.isEmpty() ? null : cursor.get(0),
                    cursor.isEmpty() ? null : cursor.get(1),
                    limit + 1));
    return page(page, limit, MemberPage::new, DirectoryAdmin::cursorAfter);
  }

  /** The {@code after} cursor that continues a member listing after this member. */
  public static String cursorAfter(MemberEntry m) {
    return Cursor.encode(m.displayName().toLowerCase(java.util.Locale.ROOT), m.peerId());
  }

  /** The {@code after} cursor that continues a service listing after this service. */
  public static String cursorAfter(ServiceEntry s) {
    return Cursor.encode(s.name());
  }

  /** The {@code after} cursor that continues a group listing after this group. */
  public static String cursorAfter(GroupEntry g) {
    return Cursor.encode(g.name());
  }

  // --- Services ------------------------------------------------------------------------------

  /** Adds an organisation service. */
  @WithSpan(DirectorySpans.CHANGE)
  public Service createService(String actor, Service s) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.service(s, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          if (DirectoryStore.service(c, s.name()).isPresent()) {
            throw DirectoryProblems.CONFLICT.exception("service " + s.name() + " already exists");
          }
          requirePeerFree(c, s.peerId());
          requireSubjectFree(c, s.ssoSubject(), s.peerId());
          DirectoryStore.insertService(c, s, 1, actor, now);
          return new Done<>(s, serviceAudit(actor, "directory.service.create", s, 1));
        });
  }

  /**
   * Replaces a service's PeerID, key file and SSO subject.
   *
   * @param expectedRevision the revision the change is based on, or null for whatever is stored
   */
  @WithSpan(DirectorySpans.CHANGE)
  public ServiceEntry updateService(String actor, Service s, @Nullable Integer expectedRevision) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.service(s, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          ServiceEntry stored = found(DirectoryStore.service(c, s.name()), "service", s.name());
          requireRevision(stored.revision(), expectedRevision, "service", s.name());
          int revision = stored.revision() + 1;
          if (stored.peerId().equals(s.peerId())) {
            requireSubjectFree(c, s.ssoSubject(), s.peerId());
            DirectoryStore.updateService(c, s, revision, actor, now);
          } else {
            // A new identity for the service: its old PeerID stops being a member requester.
            DirectoryStore.deletePeer(c, stored.peerId());
            requirePeerFree(c, s.peerId());
            requireSubjectFree(c, s.ssoSubject(), s.peerId());
            DirectoryStore.insertService(c, s, revision, actor, now);
          }
          return new Done<>(
              new ServiceEntry(
                  s.name(), s.peerId(), s.keyFile(), s.ssoSubject(), revision, actor, now),
              serviceAudit(actor, "directory.service.update", s, revision));
        });
  }

  /** Removes a service. */
  @WithSpan(DirectorySpans.CHANGE)
  public void deleteService(String actor, String name, @Nullable Integer expectedRevision) {
    change(
        (c, now) -> {
          ServiceEntry stored = found(DirectoryStore.service(c, name), "service", name);
          requireRevision(stored.revision(), expectedRevision, "service", name);
          DirectoryStore.deletePeer(c, stored.peerId());
          return new Done<>(
              stored,
              AuditEntry.adminChange(actor, "directory.service.delete")
                  .subject(stored.peerId())
                  .outcome("ok")
                  .detail("service", name)
                  .detail("revision", Integer.toString(stored.revision()))
                  .build());
        });
  }

  /** The service with this name. */
  public ServiceEntry service(String name) {
    return read(c -> found(DirectoryStore.service(c, name), "service", name));
  }

  /** Services by name, a page at a time; {@code search} matches part of a name or a PeerID. */
  public ServicePage services(@Nullable String search, @Nullable String after, int limit) {
    requireLimit(limit);
    List<String> cursor = Cursor.decode(after, 1);
    List<ServiceEntry> page =
        read(
            c ->
                DirectoryStore.services(
                    c, blankToNull(search), cursor.isEmpty() ? null : cursor.get(0), limit + 1));
    return page(page, limit, ServicePage::new, DirectoryAdmin::cursorAfter);
  }

  // --- Groups --------------------------------------------------------------------------------

  /** Adds a group. */
  @WithSpan(DirectorySpans.CHANGE)
  public Group createGroup(String actor, Group g) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.group(g, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          if (DirectoryStore.group(c, g.name()).isPresent()) {
            throw DirectoryProblems.CONFLICT.exception("group " + g.name() + " already exists");
          }
          DirectoryStore.insertGroup(c, g, actor, now);
          return new Done<>(g, groupAudit(actor, "directory.group.create", g.name(), 1));
        });
  }

  /** Replaces a group's description. */
  @WithSpan(DirectorySpans.CHANGE)
  public GroupEntry updateGroup(String actor, Group g, @Nullable Integer expectedRevision) {
    return change(
        (c, now) -> {
          List<Problem.Violation> violations = new ArrayList<>();
          DirectoryRules.group(g, DirectoryRules.Place.REQUEST, violations);
          DirectoryRules.refuseIfAny(violations);
          GroupEntry stored = found(DirectoryStore.group(c, g.name()), "group", g.name());
          requireRevision(stored.revision(), expectedRevision, "group", g.name());
          int revision = stored.revision() + 1;
          DirectoryStore.updateGroup(c, g, revision, actor, now);
          return new Done<>(
              new GroupEntry(g.name(), g.description(), stored.members(), revision, actor, now),
              groupAudit(actor, "directory.group.update", g.name(), revision));
        });
  }

  /** Removes a group nobody is in (409 otherwise: take the members out first). */
  @WithSpan(DirectorySpans.CHANGE)
  public void deleteGroup(String actor, String name, @Nullable Integer expectedRevision) {
    change(
        (c, now) -> {
          GroupEntry stored = found(DirectoryStore.group(c, name), "group", name);
          requireRevision(stored.revision(), expectedRevision, "group", name);
          if (stored.members() > 0) {
            throw DirectoryProblems.CONFLICT.exception(
                "group "
                    + name
                    + " still has "
                    + stored.members()
                    + " member(s); remove them from it first");
          }
          DirectoryStore.deleteGroup(c, name);
          return new Done<>(
              stored, groupAudit(actor, "directory.group.delete", name, stored.revision()));
        });
  }

  /** The group with this name. */
  public GroupEntry group(String name) {
    return read(c -> found(DirectoryStore.group(c, name), "group", name));
  }

  /** Groups by name, a page at a time; {@code search} matches part of a name. */
  public GroupPage groups(@Nullable String search, @Nullable String after, int limit) {
    requireLimit(limit);
    List<String> cursor = Cursor.decode(after, 1);
    List<GroupEntry> page =
        read(
            c ->
                DirectoryStore.groups(
                    c, blankToNull(search), cursor.isEmpty() ? null : cursor.get(0), limit + 1));
    return page(page, limit, GroupPage::new, DirectoryAdmin::cursorAfter);
  }

  // --- Transactions --------------------------------------------------------------------------

  /** What a change did: its result and the audit entry that records it. */
  record Done<T>(T result, AuditEntry audit) {}

  /** One change, on a connection in a transaction that holds the write lock. */
  @FunctionalInterface
  interface Work<T> {
    Done<T> run(Connection c, Instant now) throws SQLException;
  }

  /** A read on a pooled connection. */
  @FunctionalInterface
  interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction, makes its audit entry durable, then commits: a refused
   * entry rolls the change back.
   */
  <T> T change(Work<T> work) {
    // One change per replica at a time: the others wait here, not on the database lock holding a
    // pooled connection each, which would starve the audit writer (and decisions) of connections.
    try {
      if (!writers.tryAcquire(WRITER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw DirectoryProblems.BUSY
            .exception("other directory changes are in progress; try again shortly")
            .withRetryAfter(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DirectoryProblems.BUSY.exception("interrupted while waiting to change the directory");
    }
    try {
      return changeAlone(work);
    } finally {
      writers.release();
    }
  }

  private <T> T changeAlone(Work<T> work) {
    T result;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        DirectoryStore.lockWrites(c);
        Done<T> done = work.run(c, clock.instant());
        long seq = auditLog.append(done.audit());
        commit(c, done.audit(), seq);
        result = done.result();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
      c.setAutoCommit(true);
    } catch (SQLException e) {
      throw translate(e);
    }
    try {
      directory.reloadNow();
    } catch (DirectoryUnavailableException e) {
      // Committed; this replica's copy follows by NOTIFY or the periodic reload.
      Log.debugf("directory: reload after a change failed: %s", e.getMessage());
    }
    return result;
  }

  private void commit(Connection c, AuditEntry entry, long seq) throws SQLException {
    try {
      c.commit();
    } catch (SQLException e) {
      try {
        auditLog.append(
            AuditLog.voiding(entry, seq, "the directory change it records was rolled back"));
      } catch (AuditAppendException voidFailed) {
        Log.errorf(
            voidFailed,
            "Audit entry %d records a directory change that was rolled back, and the entry voiding"
                + " it could not be written",
            seq);
      }
      throw e;
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is broken: the transaction is gone with it.
      Log.debugf("directory: rollback failed: %s", e.getMessage());
    }
  }

  private <T> T read(Read<T> read) {
    try (Connection c = dataSource.getConnection()) {
      return read.run(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** A database error as the problem the client sees; nothing was changed. */
  private static ProblemException translate(SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    return switch (state) {
      case "23505" ->
          DirectoryProblems.CONFLICT.exception(
              "a PeerID, SSO subject or name in this change is already in use", e);
      case "23503" ->
          DirectoryProblems.CONFLICT.exception(
              "this change refers to a group that does not exist or removes one still in use", e);
      default ->
          DirectoryProblems.UNAVAILABLE.exception(
              "the directory database could not be reached; nothing was changed", e);
    };
  }

  // --- Checks --------------------------------------------------------------------------------

  private static <T> T found(Optional<T> entry, String kind, String key) {
    return entry.orElseThrow(
        () ->
            DirectoryProblems.NOT_FOUND.exception("no " + kind + " " + key + " in the directory"));
  }

  private static void requireRevision(
      int stored, @Nullable Integer expected, String kind, String key) {
    if (expected != null && expected != stored) {
      throw DirectoryProblems.STALE.exception(
          kind
              + " "
              + key
              + " is at revision "
              + stored
              + ", not "
              + expected
              + ": it changed meanwhile; GET it and apply your change again");
    }
  }

  static void requireGroups(Connection c, Set<String> groups, DirectoryRules.Place place)
      throws SQLException {
    Set<String> missing = DirectoryStore.missingGroups(c, groups);
    if (!missing.isEmpty()) {
      throw new InvalidDirectoryEntryException(
          List.of(
              DirectoryRules.violation(
                  place,
                  "groups",
                  "names group(s) that do not exist: "
                      + String.join(", ", missing)
                      + " (create groups first)")));
    }
  }

  private static void requirePeerFree(Connection c, String peerId) throws SQLException {
    Optional<String> kind = DirectoryStore.peerKind(c, peerId);
    if (kind.isPresent()) {
      throw DirectoryProblems.CONFLICT.exception(
          "PeerID " + peerId + " is already in the directory as a " + kind.get());
    }
  }

  private static void requireSubjectFree(Connection c, @Nullable String subject, String peerId)
      throws SQLException {
    if (subject == null) {
      return;
    }
    Optional<String> owner = DirectoryStore.subjectOwner(c, subject);
    if (owner.isPresent() && !owner.get().equals(peerId)) {
      throw DirectoryProblems.CONFLICT.exception(
          "that SSO subject is already bound to " + owner.get());
    }
  }

  private static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw DirectoryProblems.INVALID_QUERY.exception(
          "`limit` must be 1 to " + MAX_PAGE + ", not " + limit);
    }
  }

  private static <T, P> P page(
      List<T> fetched,
      int limit,
      java.util.function.BiFunction<List<T>, @Nullable String, P> page,
      java.util.function.Function<T, String> cursorOf) {
    if (fetched.size() <= limit) {
      return page.apply(fetched, null);
    }
    List<T> items = fetched.subList(0, limit);
    return page.apply(items, cursorOf.apply(items.getLast()));
  }

  private static @Nullable String blankToNull(@Nullable String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  // --- Audit entries -------------------------------------------------------------------------

  private static AuditEntry memberAudit(String actor, String action, Member m, int revision) {
    return AuditEntry.adminChange(actor, action)
        .subject(m.peerId())
        .outcome("ok")
        .detail("revision", Integer.toString(revision))
        .detail("groups", m.groups().isEmpty() ? "-" : clip(String.join(",", m.groups())))
        .detail("sso_subject_bound", Boolean.toString(m.ssoSubject() != null))
        .build();
  }

  private static AuditEntry serviceAudit(String actor, String action, Service s, int revision) {
    AuditEntry.Builder entry =
        AuditEntry.adminChange(actor, action)
            .subject(s.peerId())
            .outcome("ok")
            .detail("service", s.name())
            .detail("revision", Integer.toString(revision))
            .detail("sso_subject_bound", Boolean.toString(s.ssoSubject() != null));
    if (s.keyFile() != null) {
      entry.detail("key_file", clip(s.keyFile()));
    }
    return entry.build();
  }

  private static AuditEntry groupAudit(String actor, String action, String name, int revision) {
    return AuditEntry.adminChange(actor, action)
        .outcome("ok")
        .detail("group", name)
        .detail("revision", Integer.toString(revision))
        .build();
  }

  static String clip(String text) {
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL - 3) + "...";
  }

  /**
   * An opaque page cursor: base64url of the sort key's parts, joined by a line feed (which no
   * display name, group or service name can hold). It carries nothing secret; a forged one only
   * starts the page elsewhere.
   */
  static final class Cursor {
    private static final int MAX_LENGTH = 600;

    private Cursor() {}

    static String encode(String... parts) {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    }

    static List<String> decode(@Nullable String text, int parts) {
      if (text == null || text.isEmpty()) {
        return List.of();
      }
      try {
        if (text.length() > MAX_LENGTH) {
          throw new IllegalArgumentException("too long");
        }
        String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        List<String> out = List.of(plain.split("\n", -1));
        if (out.size() != parts) {
          throw new IllegalArgumentException("wrong shape");
        }
        return out;
      } catch (IllegalArgumentException e) {
        throw DirectoryProblems.INVALID_QUERY.exception(
            "`after` must be a cursor this API returned (the next_after of the previous page,"
                + " unchanged)");
      }
    }
  }
}
