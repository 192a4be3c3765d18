package io.hsip.policygateway.directory;

import io.hsip.policygateway.TestDatabase;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Test helpers of the directory: fresh PeerIDs, an empty directory, audit entries by action. */
public final class DirectoryFixture {

  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final SecureRandom RANDOM = new SecureRandom();

  private DirectoryFixture() {}

  /** A well-formed PeerID no test used before. */
  public static String peerId() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 26; i++) {
      out.append(BASE32.charAt(RANDOM.nextInt(32)));
    }
    return out.toString();
  }

  /** Empties the directory (as the owner; the gateway never truncates). */
  static void clear() {
    TestDatabase.asOwner(
        "TRUNCATE directory_member_group, directory_member, directory_service, directory_peer,"
            + " directory_group");
  }

  /** How many audit entries record {@code action} by {@code actor}. */
  public static long auditEntries(String actor, String action) {
    try (Connection c = TestDatabase.owner();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM audit_entry WHERE kind = 'admin-change' AND actor = ?"
                    + " AND convert_from(body, 'UTF8') LIKE ?")) {
      s.setString(1, actor);
      s.setString(2, "%\"action\":\"" + action + "\"%");
      try (ResultSet row = s.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many rows {@code table} has. */
  public static long rows(String table) {
    try (Connection c = TestDatabase.owner();
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table);
        ResultSet row = s.executeQuery()) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code body} while the runtime role may not add audit entries, then gives it back. */
  static void withoutAuditInserts(Runnable body) {
    String role = "\"" + TestDatabase.runtimeRole() + "\"";
    TestDatabase.asOwner("REVOKE INSERT ON audit_entry FROM " + role);
    try {
      body.run();
    } finally {
      TestDatabase.asOwner("GRANT INSERT ON audit_entry TO " + role);
    }
  }
}
