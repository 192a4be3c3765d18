package io.hsip.policygateway.base;

import static org.assertj.core.api.Assertions.assertThat;

import io.hsip.policygateway.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The runtime role (what the gateway connects as) holds exactly the privileges the code needs, on
 * the schema the application itself migrated at start-up (as the owner role). Every table and
 * sequence of the schema must appear in the expected maps below: a table added without deliberate
 * grants, or a grant nobody meant, fails the build. When a migration changes grants, change the map
 * in the same commit and say in the migration why the code needs it.
 */
@QuarkusTest
class RuntimePrivilegesTest {

  /** Effective privileges per table: table-wide ones, then column-only ones as PRIV(columns). */
  private static final Map<String, String> TABLES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("audit_checkpoint", "SELECT, INSERT"),
              Map.entry("audit_entry", "SELECT, INSERT, UPDATE(leaf_index)"),
              Map.entry("audit_export", "SELECT, INSERT"),
              Map.entry("audit_subject_key", "SELECT, INSERT, DELETE"),
              Map.entry("audit_tile", "SELECT, INSERT, UPDATE(hashes)"),
              Map.entry(
                  "consent_nonce", "SELECT, INSERT, DELETE, UPDATE(first_seen, retain_until)"),
              Map.entry(
                  "directory_group",
                  "SELECT, INSERT, DELETE, UPDATE(description, revision, updated_at, updated_by)"),
              Map.entry(
                  "directory_member",
                  "SELECT, INSERT, DELETE, UPDATE(display_name, revision, updated_at, updated_by)"),
              Map.entry("directory_member_group", "SELECT, INSERT, DELETE"),
              Map.entry("directory_peer", "SELECT, INSERT, DELETE, UPDATE(sso_subject)"),
              Map.entry(
                  "directory_service",
                  "SELECT, INSERT, DELETE, UPDATE(key_file, revision, updated_at, updated_by)"),
              Map.entry("flyway_schema_history", ""),
              Map.entry("policy_admin_event", "SELECT, INSERT"),
              Map.entry(
                  "policy_approval",
                  "SELECT, INSERT, UPDATE(decided_at, decided_by, decided_by_subject, reason,"
                      + " status, version)"),
              Map.entry("policy_audit_relay", "SELECT, UPDATE(last_event_id, relayed_at)"),
              Map.entry(
                  "policy_draft",
                  "SELECT, INSERT, DELETE, UPDATE(digest, editor_subjects, editors, revision,"
                      + " source, updated_at, updated_by)"),
              Map.entry("policy_version", "SELECT, INSERT"),
              Map.entry("policy_shadow", "SELECT, INSERT, DELETE"),
              Map.entry("policy_shadow_difference", "SELECT, INSERT, UPDATE(decisions, last_at)"),
              Map.entry("rate_limit_window", "SELECT, INSERT, DELETE, UPDATE(used)"),
              Map.entry("decision_minute", "SELECT, INSERT, DELETE, UPDATE(decisions)"),
              Map.entry(
                  "gateway_replica",
                  "SELECT, INSERT, DELETE, UPDATE(policy_digest, policy_set, policy_version, seen_at)")));

  /** Effective privileges per sequence (identity columns need none for INSERT). */
  private static final Map<String, String> SEQUENCES =
      new TreeMap<>(
          Map.of(
              "audit_entry_seq", "USAGE",
              "audit_export_id_seq", "",
              "policy_admin_event_id_seq", ""));

  private static final List<String> TABLE_PRIVILEGES =
      List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER");
  private static final List<String> COLUMN_PRIVILEGES =
      List.of("SELECT", "INSERT", "UPDATE", "REFERENCES");
  private static final List<String> SEQUENCE_PRIVILEGES = List.of("USAGE", "SELECT", "UPDATE");

  @Test
  void theRuntimeRoleHoldsExactlyTheExpectedPrivilegesOnEveryTable() throws SQLException {
    try (Connection c = TestDatabase.owner()) {
      assertThat(tablePrivileges(c, TestDatabase.runtimeRole()))
          .as(
              "the runtime role's privileges on every table of the schema; a new table needs grants"
                  + " in its migration and an entry here")
          .containsExactlyEntriesOf(TABLES);
    }
  }

  @Test
  void theRuntimeRoleHoldsExactlyTheExpectedPrivilegesOnEverySequence() throws SQLException {
    try (Connection c = TestDatabase.owner()) {
      assertThat(sequencePrivileges(c, TestDatabase.runtimeRole()))
          .containsExactlyEntriesOf(SEQUENCES);
    }
  }

  @Test
  void theRuntimeRoleMayNotCreateOrExecuteAnythingNorBecomeTheOwner() throws SQLException {
    String runtime = TestDatabase.runtimeRole();
    try (Connection c = TestDatabase.owner()) {
      assertThat(
              strings(
                  c,
                  "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
                      + " AND has_function_privilege(?, p.oid, 'EXECUTE') ORDER BY 1",
                  runtime))
          .as(
              "functions of the schema the runtime role may call (triggers fire regardless): only"
                  + " the pure reader of a decision's reason code that the audit search uses (V31)")
          .containsExactly("audit_decision_reason");
      assertThat(
              strings(
                  c,
                  "SELECT concat_ws(',',"
                      + " CASE WHEN has_schema_privilege(?, current_schema(), 'USAGE') THEN 'USAGE' END,"
                      + " CASE WHEN has_schema_privilege(?, current_schema(), 'CREATE') THEN 'CREATE' END,"
                      + " CASE WHEN has_database_privilege(?, current_database(), 'CREATE') THEN 'CREATE DATABASE OBJECTS' END)",
                  runtime,
                  runtime,
                  runtime))
          .containsExactly("USAGE");
      assertThat(
              strings(
                  c,
                  "SELECT concat_ws(',', rolsuper::text, rolcreaterole::text, rolcreatedb::text,"
                      + " rolbypassrls::text, rolreplication::text,"
                      + " pg_has_role(rolname, ?, 'MEMBER')::text) FROM pg_roles WHERE rolname = ?",
                  TestDatabase.ownerRole(),
                  runtime))
          .as("superuser, createrole, createdb, bypassrls, replication, member of the owner")
          .containsExactly("false,false,false,false,false,false");
    }
  }

  @Test
  void theOwnerOwnsEveryObjectAndRanEveryMigration() throws SQLException {
    try (Connection c = TestDatabase.owner()) {
      assertThat(
              strings(
                  c,
                  "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class"
                      + " WHERE relnamespace = current_schema()::regnamespace"))
          .containsExactly(TestDatabase.ownerRole());
      assertThat(strings(c, "SELECT DISTINCT installed_by FROM flyway_schema_history"))
          .containsExactly(TestDatabase.ownerRole());
    }
  }

  private static Map<String, String> tablePrivileges(Connection c, String role)
      throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (String table :
        strings(
            c,
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
                + " AND relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1")) {
      List<String> held = new ArrayList<>();
      for (String privilege : TABLE_PRIVILEGES) {
        if (bool(c, "SELECT has_table_privilege(?, ?::regclass, ?)", role, table, privilege)) {
          held.add(privilege);
        }
      }
      for (String privilege : COLUMN_PRIVILEGES) {
        if (held.contains(privilege)) {
          continue;
        }
        List<String> columns =
            strings(
                c,
                "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                    + " AND NOT attisdropped AND has_column_privilege(?, attrelid, attnum, ?)"
                    + " ORDER BY attname",
                table,
                role,
                privilege);
        if (!columns.isEmpty()) {
          held.add(privilege + "(" + String.join(", ", columns) + ")");
        }
      }
      out.put(table, String.join(", ", held));
    }
    return out;
  }

  private static Map<String, String> sequencePrivileges(Connection c, String role)
      throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (String sequence :
        strings(
            c,
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
                + " AND relkind = 'S' ORDER BY 1")) {
      List<String> held = new ArrayList<>();
      for (String privilege : SEQUENCE_PRIVILEGES) {
        if (bool(
            c, "SELECT has_sequence_privilege(?, ?::regclass, ?)", role, sequence, privilege)) {
          held.add(privilege);
        }
      }
      out.put(sequence, String.join(", ", held));
    }
    return out;
  }

  private static boolean bool(Connection c, String sql, String... args) throws SQLException {
    return Boolean.parseBoolean(strings(c, sql + "::text", args).getFirst());
  }

  private static List<String> strings(Connection c, String sql, String... args)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    }
  }
}
