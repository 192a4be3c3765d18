package io.hsip.policygateway.directory.internal;

import io.hsip.policygateway.directory.Group;
import io.hsip.policygateway.directory.GroupEntry;
import io.hsip.policygateway.directory.Member;
import io.hsip.policygateway.directory.MemberEntry;
import io.hsip.policygateway.directory.Service;
import io.hsip.policygateway.directory.ServiceEntry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of the directory tables (V28): reads by key and by page, and the writes of {@code
 * DirectoryAdmin}, each on a connection whose transaction the caller owns.
 */
public final class DirectoryStore {

  /** Advisory lock key serialising directory writes across replicas ("HSIP" + 2). */
  private static final long WRITE_LOCK = 0x4853_4950_0000_0002L;

  private static final String MEMBER_COLUMNS =
      "m.peer_id, m.display_name,"
          + " ARRAY(SELECT g.group_name FROM directory_member_group g WHERE g.peer_id = m.peer_id"
          + " ORDER BY g.group_name), p.sso_subject, m.revision, m.updated_by, m.updated_at"
          + " FROM directory_member m JOIN directory_peer p ON p.peer_id = m.peer_id";

  private static final String SERVICE_COLUMNS =
      "s.name, s.peer_id, s.key_file, p.sso_subject, s.revision, s.updated_by, s.updated_at"
          + " FROM directory_service s JOIN directory_peer p ON p.peer_id = s.peer_id";

  private static final String GROUP_COLUMNS =
      "g.name, g.description,"
          + " (SELECT count(*) FROM directory_member_group mg WHERE mg.group_name = g.name),"
          + " g.revision, g.updated_by, g.updated_at FROM directory_group g";

  private DirectoryStore() {}

  /**
   * Takes the directory write lock for the rest of the transaction: writes of every replica are
   * serialised, so the checks a write makes first (PeerID free, groups exist) still hold at commit.
   */
  public static void lockWrites(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      s.setLong(1, WRITE_LOCK);
      s.execute();
    }
  }

  // --- Reads ---------------------------------------------------------------------------------

  /** The member with this PeerID. */
  public static Optional<MemberEntry> member(Connection c, String peerId) throws SQLException {
    List<MemberEntry> found =
        members(c, "SELECT " + MEMBER_COLUMNS + " WHERE m.peer_id = ?", List.of(peerId));
    return found.stream().findFirst();
  }

  /**
   * A page of members ordered by display name (case-insensitive), then PeerID.
   *
   * @param search if not null, only members whose display name contains it (case-insensitive) or
   *     whose PeerID starts with it
   * @param group if not null, only members of this group
   * @param after the last (lower-cased display name, PeerID) of the previous page, if any
   */
  public static List<MemberEntry> members(
      Connection c,
      @Nullable String search,
      @Nullable String group,
      @Nullable String afterName,
      @Nullable String afterPeerId,
      int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(MEMBER_COLUMNS).append(" WHERE TRUE");
    List<Object> args = new ArrayList<>();
    if (search != null) {
      sql.append(" AND (strpos(lower(m.display_name), lower(?)) > 0 OR m.peer_id LIKE ? || '%')");
      args.add(search);
      args.add(search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
    }
    if (group != null) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM directory_member_group f WHERE f.peer_id = m.peer_id"
              + " AND f.group_name = ?)");
      args.add(group);
    }
    if (afterName != null && afterPeerId != null) {
      sql.append(" AND (lower(m.display_name), m.peer_id) > (?, ?)");
      args.add(afterName);
      args.add(afterPeerId);
    }
    sql.append(" ORDER BY lower(m.display_name), m.peer_id LIMIT ?");
    args.add(limit);
    return members(c, sql.toString(), args);
  }

  /** Every member, by PeerID (for export). */
  public static List<MemberEntry> allMembers(Connection c) throws SQLException {
    return members(c, "SELECT " + MEMBER_COLUMNS + " ORDER BY m.peer_id", List.of());
  }

  private static List<MemberEntry> members(Connection c, String sql, List<Object> args)
      throws SQLException {
    List<MemberEntry> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, args);
        ResultSet row = s.executeQuery()) {
      while (row.next()) {
        out.add(
            new MemberEntry(
                row.getString(1),
                row.getString(2),
                strings(row.getArray(3)),
                row.getString(4),
                row.getInt(5),
                row.getString(6),
                row.getTimestamp(7).toInstant()));
      }
    }
    return out;
  }

  /** The service with this name. */
  public static Optional<ServiceEntry> service(Connection c, String name) throws SQLException {
    return services(c, "SELECT " + SERVICE_COLUMNS + " WHERE s.name = ?", List.of(name)).stream()
        .findFirst();
  }

  /** A page of services by name, optionally those whose name contains {@code search}. */
  public static List<ServiceEntry> services(
      Connection c, @Nullable String search, @Nullable String after, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(SERVICE_COLUMNS).append(" WHERE TRUE");
    List<Object> args = new ArrayList<>();
    if (search != null) {
      sql.append(" AND (strpos(s.name, lower(?)) > 0 OR s.peer_id = ?)");
      args.add(search);
      args.add(search);
    }
    if (after != null) {
      sql.append(" AND s.name > ?");
      args.add(after);
    }
    sql.append(" ORDER BY s.name LIMIT ?");
    args.add(limit);
    return services(c, sql.toString(), args);
  }

  /** Every service, by name (for export). */
  public static List<ServiceEntry> allServices(Connection c) throws SQLException {
    return services(c, "SELECT " + SERVICE_COLUMNS + " ORDER BY s.name", List.of());
  }

  private static List<ServiceEntry> services(Connection c, String sql, List<Object> args)
      throws SQLException {
    List<ServiceEntry> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, args);
        ResultSet row = s.executeQuery()) {
      while (row.next()) {
        out.add(
            new ServiceEntry(
                row.getString(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getInt(5),
                row.getString(6),
                row.getTimestamp(7).toInstant()));
      }
    }
    return out;
  }

  /** The group with this name. */
  public static Optional<GroupEntry> group(Connection c, String name) throws SQLException {
    return groups(c, "SELECT " + GROUP_COLUMNS + " WHERE g.name = ?", List.of(name)).stream()
        .findFirst();
  }

  /** A page of groups by name, optionally those whose name contains {@code search}. */
  public static List<GroupEntry> groups(
      Connection c, @Nullable String search, @Nullable String after, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(GROUP_COLUMNS).append(" WHERE TRUE");
    List<Object> args = new ArrayList<>();
    if (search != null) {
      sql.append(" AND strpos(g.name, lower(?)) > 0");
      args.add(search);
    }
    if (after != null) {
      sql.append(" AND g.name > ?");
      args.add(after);
    }
    sql.append(" ORDER BY g.name LIMIT ?");
    args.add(limit);
    return groups(c, sql.toString(), args);
  }

  /** Every group, by name (for export). */
  public static List<GroupEntry> allGroups(Connection c) throws SQLException {
    return groups(c, "SELECT " + GROUP_COLUMNS + " ORDER BY g.name", List.of());
  }

  private static List<GroupEntry> groups(Connection c, String sql, List<Object> args)
      throws SQLException {
    List<GroupEntry> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, args);
        ResultSet row = s.executeQuery()) {
      while (row.next()) {
        out.add(
            new GroupEntry(
                row.getString(1),
                row.getString(2),
                row.getInt(3),
                row.getInt(4),
                row.getString(5),
                row.getTimestamp(6).toInstant()));
      }
    }
    return out;
  }

  /** {@code member} or {@code service} for a PeerID in use, else empty. */
  public static Optional<String> peerKind(Connection c, String peerId) throws SQLException {
    return string(c, "SELECT kind FROM directory_peer WHERE peer_id = ?", peerId);
  }

  /** The PeerID bound to an SSO subject, if any. */
  public static Optional<String> subjectOwner(Connection c, String ssoSubject) throws SQLException {
    return string(c, "SELECT peer_id FROM directory_peer WHERE sso_subject = ?", ssoSubject);
  }

  /** Which of {@code groups} do not exist, sorted. */
  public static Set<String> missingGroups(Connection c, Set<String> groups) throws SQLException {
    Set<String> missing = new TreeSet<>(groups);
    if (groups.isEmpty()) {
      return missing;
    }
    try (PreparedStatement s =
        c.prepareStatement("SELECT name FROM directory_group WHERE name = ANY (?)")) {
      s.setArray(1, c.createArrayOf("text", groups.toArray()));
      try (ResultSet row = s.executeQuery()) {
        while (row.next()) {
          missing.remove(row.getString(1));
        }
      }
    }
    return missing;
  }

  // --- Writes --------------------------------------------------------------------------------

  /** Adds a member (its peer row, member row and memberships). */
  public static void insertMember(Connection c, Member m, String actor, Instant at)
      throws SQLException {
    insertPeer(c, m.peerId(), "member", m.ssoSubject());
    update(
        c,
        "INSERT INTO directory_member (peer_id, display_name, revision, updated_by, updated_at)"
            + " VALUES (?, ?, 1, ?, ?)",
        m.peerId(),
        m.displayName(),
        actor,
        Timestamp.from(at));
    insertMemberships(c, m.peerId(), m.groups());
  }

  /** Replaces a member's fields and memberships, and raises its revision. */
  public static void updateMember(Connection c, Member m, int revision, String actor, Instant at)
      throws SQLException {
    update(
        c,
        "UPDATE directory_peer SET sso_subject = ? WHERE peer_id = ?",
        m.ssoSubject(),
        m.peerId());
    update(
        c,
        "UPDATE directory_member SET display_name = ?, revision = ?, updated_by = ?, updated_at = ?"
            + " WHERE peer_id = ?",
        m.displayName(),
        revision,
        actor,
        Timestamp.from(at),
        m.peerId());
    update(c, "DELETE FROM directory_member_group WHERE peer_id = ?", m.peerId());
    insertMemberships(c, m.peerId(), m.groups());
  }

  private static void insertMemberships(Connection c, String peerId, Set<String> groups)
      throws SQLException {
    if (groups.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO directory_member_group (peer_id, group_name)"
                + " SELECT ?, unnest(?::text[])")) {
      s.setString(1, peerId);
      s.setArray(2, c.createArrayOf("text", groups.toArray()));
      s.executeUpdate();
    }
  }

  /** Adds a service (its peer row and service row) at {@code revision}. */
  public static void insertService(Connection c, Service s, int revision, String actor, Instant at)
      throws SQLException {
    insertPeer(c, s.peerId(), "service", s.ssoSubject());
    update(
        c,
        "INSERT INTO directory_service (name, peer_id, key_file, revision, updated_by, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        s.name(),
        s.peerId(),
        s.keyFile(),
        revision,
        actor,
        Timestamp.from(at));
  }

  /** Replaces a service's key file and SSO subject (same PeerID), and raises its revision. */
  public static void updateService(Connection c, Service s, int revision, String actor, Instant at)
      throws SQLException {
    update(
        c,
        "UPDATE directory_peer SET sso_subject = ? WHERE peer_id = ?",
        s.ssoSubject(),
        s.peerId());
    update(
        c,
        "UPDATE directory_service SET key_file = ?, revision = ?, updated_by = ?, updated_at = ?"
            + " WHERE name = ?",
        s.keyFile(),
        revision,
        actor,
        Timestamp.from(at),
        s.name());
  }

  /** Removes a member or service and everything of it (memberships, bindings). */
  public static int deletePeer(Connection c, String peerId) throws SQLException {
    return update(c, "DELETE FROM directory_peer WHERE peer_id = ?", peerId);
  }

  /** Adds a group. */
  public static void insertGroup(Connection c, Group g, String actor, Instant at)
      throws SQLException {
    update(
        c,
        "INSERT INTO directory_group (name, description, revision, updated_by, updated_at)"
            + " VALUES (?, ?, 1, ?, ?)",
        g.name(),
        g.description(),
        actor,
        Timestamp.from(at));
  }

  /** Replaces a group's description and raises its revision. */
  public static void updateGroup(Connection c, Group g, int revision, String actor, Instant at)
      throws SQLException {
    update(
        c,
        "UPDATE directory_group SET description = ?, revision = ?, updated_by = ?, updated_at = ?"
            + " WHERE name = ?",
        g.description(),
        revision,
        actor,
        Timestamp.from(at),
        g.name());
  }

  /** Removes a group (the caller made sure no member is in it). */
  public static int deleteGroup(Connection c, String name) throws SQLException {
    return update(c, "DELETE FROM directory_group WHERE name = ?", name);
  }

  private static void insertPeer(Connection c, String peerId, String kind, @Nullable String sso)
      throws SQLException {
    update(
        c,
        "INSERT INTO directory_peer (peer_id, kind, sso_subject) VALUES (?, ?, ?)",
        peerId,
        kind,
        sso);
  }

  // --- Plumbing ------------------------------------------------------------------------------

  private static int update(Connection c, String sql, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement s = prepare(c, sql, java.util.Arrays.asList(args))) {
      return s.executeUpdate();
    }
  }

  private static Optional<String> string(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = prepare(c, sql, List.of(arg));
        ResultSet row = s.executeQuery()) {
      return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
    }
  }

  private static PreparedStatement prepare(
      Connection c, String sql, List<? extends @Nullable Object> args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      for (int i = 0; i < args.size(); i++) {
        Object arg = args.get(i);
        if (arg == null) {
          s.setNull(i + 1, java.sql.Types.VARCHAR);
        } else {
          s.setObject(i + 1, arg);
        }
      }
      return s;
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static Set<String> strings(@Nullable Array array) throws SQLException {
    return array == null ? Set.of() : Set.of((String[]) array.getArray());
  }
}
