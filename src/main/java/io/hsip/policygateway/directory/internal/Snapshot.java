package io.hsip.policygateway.directory.internal;

import io.hsip.policygateway.directory.DirectoryIdentity;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One immutable copy of the directory's identities, indexed by PeerID and by SSO subject. Read in
 * one statement, so it is always a consistent state of the tables (never half a change).
 *
 * @param byPeerId every member and service by PeerID
 * @param bySubject those with an SSO subject, by subject
 */
public record Snapshot(
    Map<String, DirectoryIdentity> byPeerId, Map<String, DirectoryIdentity> bySubject) {

  private static final String LOAD =
      "SELECT p.peer_id, p.kind, p.sso_subject, m.display_name, s.name, s.key_file,"
          + " ARRAY(SELECT g.group_name FROM directory_member_group g WHERE g.peer_id = p.peer_id)"
          + " FROM directory_peer p"
          + " LEFT JOIN directory_member m ON m.peer_id = p.peer_id"
          + " LEFT JOIN directory_service s ON s.peer_id = p.peer_id";

  /** Copies the maps. */
  public Snapshot {
    byPeerId = Map.copyOf(byPeerId);
    bySubject = Map.copyOf(bySubject);
  }

  /** Reads the whole directory on {@code c}. */
  public static Snapshot load(Connection c) throws SQLException {
    Map<String, DirectoryIdentity> byPeerId = new HashMap<>();
    Map<String, DirectoryIdentity> bySubject = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet row = s.executeQuery(LOAD)) {
      while (row.next()) {
        String peerId = row.getString(1);
        boolean member = row.getString(2).equals("member");
        String name = member ? row.getString(4) : row.getString(5);
        if (name == null) {
          continue; // only inside the transaction that creates it; never visible here
        }
        DirectoryIdentity identity =
            new DirectoryIdentity(
                peerId,
                member ? DirectoryIdentity.Kind.MEMBER : DirectoryIdentity.Kind.SERVICE,
                name,
                member ? groups(row.getArray(7)) : Set.of(),
                member ? null : row.getString(6));
        byPeerId.put(peerId, identity);
        String subject = row.getString(3);
        if (subject != null) {
          bySubject.put(subject, identity);
        }
      }
    }
    return new Snapshot(byPeerId, bySubject);
  }

  private static Set<String> groups(@Nullable Array array) throws SQLException {
    if (array == null) {
      return Set.of();
    }
    return Set.of((String[]) array.getArray());
  }

  /** The identity with this PeerID. */
  public Optional<DirectoryIdentity> identity(String peerId) {
    return Optional.ofNullable(byPeerId.get(peerId));
  }

  /** The identity bound to this SSO subject. */
  public Optional<DirectoryIdentity> boundTo(String ssoSubject) {
    return Optional.ofNullable(bySubject.get(ssoSubject));
  }
}
